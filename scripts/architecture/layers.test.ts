/**
 * Tandem's layers and their allowed import directions, as one table checked against every import
 * of the TypeScript sources (ARCHITECTURE.md describes the same rules in prose). A wrong import
 * fails `npm test` with the file, line and rule; the checker is itself tested on fixtures below.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../compat-tests/harness/kafka-clients.js';
import { check, describeViolation, importsOf, readSources, type Rule } from './imports.js';

const HOST = 'emulator/src/host/';
const CORE = 'emulator/src/core/';
const SQS = 'emulator/src/sqs/';
const KAFKA = 'kafka-shim/src/';
const PRODUCT = ['emulator/src/', KAFKA];
/** Tests, harnesses, fixtures and build-time tools: nothing the shipped process may load. */
const NOT_PRODUCT = ['emulator/test/', 'kafka-shim/test/', 'compat-tests/', 'scripts/', 'emulator/scripts/', 'kafka-shim/scripts/'];

const RULES: readonly Rule[] = [
  { name: 'core imports no engine and no host', from: [CORE], forbid: [HOST, SQS, 'kafka-shim/'] },
  { name: 'SQS imports neither Kafka nor the host', from: [SQS], forbid: [KAFKA, HOST] },
  { name: 'Kafka imports neither SQS nor the host', from: [KAFKA], forbid: [SQS, HOST] },
  { name: 'SQS semantics import no wire codec', from: [`${SQS}semantics/`], forbid: [`${SQS}protocol/`] },
  {
    name: 'Kafka log, groups and txn import no server, API handler or codec (generated message types only, as types)',
    from: [`${KAFKA}log/`, `${KAFKA}groups/`, `${KAFKA}txn/`],
    forbid: [`${KAFKA}server/`, `${KAFKA}apis/`, `${KAFKA}protocol/`],
    allowTypeOnly: [`${KAFKA}protocol/generated/`],
  },
  { name: 'only the host imports both engines', from: [''], except: [HOST], notBoth: [SQS, KAFKA] },
  { name: 'product code imports no test code, harness or tool', from: PRODUCT, forbid: NOT_PRODUCT },
];

const SCANNED = ['emulator', 'kafka-shim', 'compat-tests', 'scripts'];

it('every import of the sources follows the layer rules', () => {
  const sources = readSources(repoRoot(), SCANNED);
  // A scan that found nothing would pass vacuously.
  expect(sources.filter((s) => s.path.startsWith(CORE)).length).toBeGreaterThan(3);
  expect(sources.filter((s) => s.path.startsWith(`${KAFKA}groups/`)).length).toBeGreaterThan(3);
  expect(check(sources, RULES).map(describeViolation)).toEqual([]);
});

describe('the checker', () => {
  const one = (file: string, text: string) => check([{ path: file, text }], RULES).map((v) => v.rule);

  it('fails core importing an engine, in every import form', () => {
    const rule = 'core imports no engine and no host';
    expect(one('emulator/src/core/x.ts', "import { SqsService } from '../sqs/semantics/service.js';")).toEqual([rule]);
    expect(one('emulator/src/core/x.ts', "export * from '../../../kafka-shim/src/broker.js';")).toEqual([rule]);
    expect(one('emulator/src/core/x.ts', "const m = await import('../host/tandem.js');")).toEqual([rule]);
    expect(one('emulator/src/core/storage/x.ts', "let t: import('../../sqs/semantics/api.js').SqsApi;")).toEqual([rule]);
    expect(one('emulator/src/core/x.ts', "import './logger.js';\nimport type { Op } from './storage/store.js';")).toEqual([]);
  });

  it('tells type-only imports from run-time ones where only types are allowed', () => {
    const rule = 'Kafka log, groups and txn import no server, API handler or codec (generated message types only, as types)';
    expect(one('kafka-shim/src/groups/r.ts', "import type { JoinGroupRequest } from '../protocol/generated/types.js';")).toEqual([]);
    expect(one('kafka-shim/src/groups/r.ts', "import { type JoinGroupRequest, type SyncGroupRequest } from '../protocol/generated/types.js';")).toEqual([]);
    expect(one('kafka-shim/src/groups/r.ts', "import { API_SPECS } from '../protocol/generated/specs.js';")).toEqual([rule]);
    expect(one('kafka-shim/src/log/r.ts', "import { JoinGroupRequest, type X } from '../protocol/generated/types.js';")).toEqual([rule]);
    expect(one('kafka-shim/src/log/r.ts', "import type { Reader } from '../protocol/reader.js';")).toEqual([rule]);
    expect(one('kafka-shim/src/log/r.ts', "import { handlers } from '../apis/registry.js';")).toEqual([rule]);
  });

  it('keeps semantics off the wire, engines apart and test code out of the product', () => {
    expect(one('emulator/src/sqs/semantics/x.ts', "import { decodeJsonInput } from '../protocol/json.js';")).toEqual(['SQS semantics import no wire codec']);
    expect(one('emulator/src/sqs/protocol/x.ts', "import { OPERATIONS } from '../model/generated.js';")).toEqual([]);
    expect(one('kafka-shim/src/apis/x.ts', "import type { SqsApi } from '../../../emulator/src/sqs/semantics/api.js';")).toEqual([
      'Kafka imports neither SQS nor the host',
    ]);
    expect(one('emulator/src/sqs/x.ts', "import { startTandem } from '../host/tandem.js';")).toEqual(['SQS imports neither Kafka nor the host']);
    expect(one('kafka-shim/src/log/x.ts', "import { fixtures } from '../../test/log/fixtures.js';")).toEqual(['product code imports no test code, harness or tool']);
    expect(one('emulator/src/host/x.ts', "import { startEmulator } from '../../../compat-tests/harness/emulator.js';")).toEqual([
      'product code imports no test code, harness or tool',
    ]);
  });

  it('lets only the host import both engines', () => {
    const both = "import { SqsService } from '../../emulator/src/sqs/semantics/service.js';\nimport { Broker } from '../../kafka-shim/src/broker.js';";
    expect(one('scripts/bench/x.ts', both)).toEqual(['only the host imports both engines']);
    expect(one('emulator/src/host/x.ts', "import { SqsService } from '../sqs/semantics/service.js';\nimport { Broker } from '../../../kafka-shim/src/broker.js';")).toEqual([]);
    expect(importsOf({ path: 'scripts/bench/x.ts', text: both }).map((r) => r.target)).toEqual([
      'emulator/src/sqs/semantics/service.ts',
      'kafka-shim/src/broker.ts',
    ]);
  });

  it('finds a wrong import in a file on disk', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tandem-layers-'));
    try {
      mkdirSync(path.join(root, 'emulator/src/core'), { recursive: true });
      writeFileSync(path.join(root, 'emulator/src/core/bad.ts'), "import type { Queue } from '../sqs/semantics/queue.js';\n\nexport type Q = Queue;\n");
      expect(check(readSources(root, ['emulator']), RULES).map(describeViolation)).toEqual([
        'emulator/src/core/bad.ts:1 imports emulator/src/sqs/semantics/queue.ts (core imports no engine and no host)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
