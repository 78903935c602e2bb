/**
 * The committed SQS contract (emulator/src/sqs/model/generated.ts) must be what the generator makes
 * of the committed API model, so a model update cannot leave the types, the operation list or the
 * codecs behind; and the generator must type members the way the engine contract relies on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../compat-tests/harness/kafka-clients.js';
import { generateSqsTypes } from '../../scripts/generate-sqs-types.js';

const root = repoRoot();
const MODEL = path.join(root, 'emulator/src/sqs/model/sqs-2012-11-05.api.json');
const GENERATED = path.join(root, 'emulator/src/sqs/model/generated.ts');

it('generated.ts is up to date with the API model (regenerate: see emulator/scripts/generate-sqs-types.ts)', () => {
  const fresh = generateSqsTypes(JSON.parse(readFileSync(MODEL, 'utf8')));
  expect(readFileSync(GENERATED, 'utf8')).toBe(fresh);
});

describe('the generator', () => {
  const model = {
    metadata: { apiVersion: '2012-11-05' },
    operations: {
      Send: {
        input: {
          type: 'structure',
          required: ['Url', 'Entries'],
          members: {
            Url: {},
            Mode: { shape: 'Mode' },
            Entries: { type: 'list', member: { type: 'structure', required: ['Id'], members: { Id: {}, Data: { type: 'blob' } } } },
          },
        },
        output: {
          type: 'structure',
          required: ['Count'],
          members: { Count: { type: 'long' }, Ok: { type: 'boolean' }, Mode: { shape: 'Mode' }, Tags: { type: 'map', key: {}, value: {} } },
        },
      },
      Drop: { input: { type: 'structure', members: {} } },
    },
    shapes: { Mode: { type: 'string', enum: ['FAST', 'SLOW'] } },
  };
  const text = generateSqsTypes(model);

  it('lists operations sorted, and gives an operation without output the empty result', () => {
    expect(text).toContain("export const OPERATIONS = [\n  'Drop',\n  'Send',\n] as const;");
    expect(text).toContain('export interface Outputs {\n  Drop: EmptyResult;\n  Send: SendResult;\n}');
    expect(text).toContain('export interface DropRequest {}');
  });

  it('makes required members non-optional and maps blobs, longs, booleans, lists and maps', () => {
    expect(text).toContain('export interface SendRequestEntry {\n  Id: string;\n  Data?: Buffer;\n}');
    expect(text).toContain('  Url: string;\n  Mode?: string;\n  Entries: SendRequestEntry[];');
    expect(text).toContain("  Count: number;\n  Ok?: boolean;\n  Mode?: 'FAST' | 'SLOW';\n  Tags?: Record<string, string>;");
  });

  it('refuses a nested structure it has no AWS name for', () => {
    const unnamed = structuredClone(model);
    unnamed.operations.Send.output.members.Tags = { type: 'map', key: {}, value: { type: 'structure', members: {} } } as never;
    expect(() => generateSqsTypes(unnamed)).toThrow('name the structure in Send.Tags');
  });
});
