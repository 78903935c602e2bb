/**
 * SQS contract generator: reads the AWS API model (emulator/src/sqs/model/sqs-2012-11-05.api.json)
 * and writes emulator/src/sqs/model/generated.ts, the one source of the operation list and of every
 * operation's input and output types, so the engine contract (semantics/api.ts), the service's
 * handler table and the wire codecs cannot drift from the model or from each other.
 * The output is committed; emulator/test/sqs-model/generated.test.ts fails when it is stale.
 *
 *   npm run build && node dist/emulator/scripts/generate-sqs-types.js \
 *     emulator/src/sqs/model/sqs-2012-11-05.api.json emulator/src/sqs/model/generated.ts
 *
 * Inputs are typed as the protocol decoders (protocol/json.ts, protocol/query.ts) hand them over:
 * those enforce every member's type and every required member's presence, so required members are
 * non-optional. What the decoders do not check stays loose so that the semantics' own checks keep a
 * meaning: an enum arrives as a plain `string` (semantics validate names), and nothing promises a
 * string or list is non-empty (Query's `Entries=` arrives as []).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface RawShape {
  shape?: string;
  type?: string;
  members?: Record<string, RawShape>;
  required?: string[];
  member?: RawShape;
  key?: RawShape;
  value?: RawShape;
  enum?: string[];
  deprecated?: boolean;
  deprecatedMessage?: string;
}

interface RawModel {
  metadata: { apiVersion: string; uid?: string };
  operations: Record<string, { input?: RawShape; output?: RawShape }>;
  shapes: Record<string, RawShape>;
}

type Side = 'input' | 'output';

/**
 * The minified model has lost its shape names, so structures nested in an operation get AWS's own
 * names (those of the full model and of the Query protocol's XML elements) from the member that
 * holds them. A model update adding a nested structure fails here until it is named.
 */
function nestedName(op: string, member: string): string | undefined {
  switch (member) {
    case 'Entries':
      return `${op}RequestEntry`;
    case 'Successful':
      return `${op}ResultEntry`;
    case 'Failed':
      return 'BatchResultErrorEntry';
    case 'Messages':
      return 'Message';
    case 'Results':
      return `${op}ResultEntry`;
    case 'MessageAttributes':
      return 'MessageAttributeValue';
    case 'MessageSystemAttributes':
      return 'MessageSystemAttributeValue';
    default:
      return undefined;
  }
}

class Generator {
  /** Named interfaces in the order first met, by name -> declaration text. */
  private readonly named = new Map<string, string>();

  constructor(private readonly model: RawModel) {}

  /** A member reference's own traits win over the referenced shape's (as in protocol/model.ts). */
  private resolve(ref: RawShape): RawShape {
    if (!ref.shape) return ref;
    const target = this.model.shapes[ref.shape];
    if (!target) throw new Error(`SQS model: unknown shape ${ref.shape}`);
    const { shape: _ignored, ...traits } = ref;
    return { ...this.resolve(target), ...traits };
  }

  private typeOf(ref: RawShape, op: string, member: string, side: Side): string {
    const raw = this.resolve(ref);
    switch (raw.type) {
      case undefined:
      case 'string':
        // Inputs: the decoders do not check enum membership, semantics do.
        return raw.enum && side === 'output' ? raw.enum.map((v) => `'${v}'`).join(' | ') : 'string';
      case 'integer':
      case 'long':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'blob':
        return 'Buffer';
      case 'list': {
        const item = this.typeOf(raw.member ?? {}, op, member, side);
        return /^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
      }
      case 'map': {
        const value = this.typeOf(raw.value ?? {}, op, member, side);
        const key = this.resolve(raw.key ?? {});
        return key.enum && side === 'output' ? `{ [K in ${this.typeOf(key, op, member, side)}]?: ${value} }` : `Record<string, ${value}>`;
      }
      case 'structure': {
        const name = nestedName(op, member);
        if (!name) throw new Error(`SQS model: name the structure in ${op}.${member} (generate-sqs-types.ts nestedName)`);
        this.declare(name, raw, op, side);
        return name;
      }
      default:
        throw new Error(`SQS model: unsupported type ${raw.type} in ${op}.${member}`);
    }
  }

  private declare(name: string, raw: RawShape, op: string, side: Side): void {
    const text = `export interface ${name} ${this.body(raw, op, side)}\n`;
    const before = this.named.get(name);
    if (before !== undefined && before !== text) throw new Error(`SQS model: two different structures would be named ${name}`);
    // Nested structures are declared before the structure that holds them; keep first-met order.
    if (before === undefined) this.named.set(name, text);
  }

  private body(raw: RawShape, op: string, side: Side): string {
    const required = new Set(raw.required ?? []);
    const lines = Object.entries(raw.members ?? {}).map(([member, ref]) => {
      const type = this.typeOf(ref, op, member, side);
      const doc = ref.deprecated ? `  /** @deprecated${ref.deprecatedMessage ? ` ${ref.deprecatedMessage}` : ''} */\n` : '';
      return `${doc}  ${member}${required.has(member) ? '' : '?'}: ${type};`;
    });
    return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n}`;
  }

  render(): string {
    const ops = Object.keys(this.model.operations).sort();
    const inputs: string[] = [];
    const outputs: string[] = [];
    for (const op of ops) {
      const raw = this.model.operations[op];
      this.declare(`${op}Request`, this.resolve(raw.input ?? { type: 'structure' }), op, 'input');
      inputs.push(`  ${op}: ${op}Request;`);
      if (raw.output) {
        this.declare(`${op}Result`, this.resolve(raw.output), op, 'output');
        outputs.push(`  ${op}: ${op}Result;`);
      } else {
        outputs.push(`  ${op}: EmptyResult;`);
      }
    }
    return (
      `/**\n` +
      ` * GENERATED by emulator/scripts/generate-sqs-types.ts from sqs-2012-11-05.api.json: do not edit.\n` +
      ` * The SQS ${this.model.metadata.apiVersion} operations and their AWS-JSON-shaped inputs and outputs, the single\n` +
      ` * source of operation names for the codecs and the engine contract (semantics/api.ts). Inputs\n` +
      ` * are what the protocol decoders guarantee (types, required members present); blobs are Buffers.\n` +
      ` */\n\n` +
      `export const OPERATIONS = [\n${ops.map((o) => `  '${o}',`).join('\n')}\n] as const;\n\n` +
      `export type OperationName = (typeof OPERATIONS)[number];\n\n` +
      `/** The output of an operation that answers nothing but success. */\n` +
      `export type EmptyResult = Record<string, never>;\n\n` +
      [...this.named.values()].join('\n') +
      `\n/** Every operation's input, by operation name. */\n` +
      `export interface Inputs {\n${inputs.join('\n')}\n}\n\n` +
      `/** Every operation's output, by operation name. */\n` +
      `export interface Outputs {\n${outputs.join('\n')}\n}\n`
    );
  }
}

/** The text of generated.ts for a parsed API model. */
export function generateSqsTypes(model: unknown): string {
  return new Generator(model as RawModel).render();
}

function main(): void {
  const [modelPath, outPath] = process.argv.slice(2);
  if (!modelPath || !outPath) {
    process.stderr.write('usage: generate-sqs-types <sqs-2012-11-05.api.json> <generated.ts>\n');
    process.exit(2);
  }
  const text = generateSqsTypes(JSON.parse(readFileSync(modelPath, 'utf8')));
  writeFileSync(outPath, text);
  process.stdout.write(`wrote ${outPath}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
