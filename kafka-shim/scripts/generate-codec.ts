/**
 * Codec generator: reads Kafka's JSON message schemas (JSON with `//` comments) and writes
 *   <out>/specs.ts  compact declarative descriptors of every request/response pair, interpreted at
 *                   run time by kafka-shim/src/protocol/codec.ts;
 *   <out>/types.ts  TypeScript interfaces for handlers (requests fully populated, responses
 *                   with every field optional because the encoder fills schema defaults), and
 *                   `ApiMessages`, the request/response pair of each API key.
 * The output is committed: nothing reads the schemas at build, run or test time. The committed
 * output is Apache Kafka 4.4.0's schemas (`common/message/*.json` in kafka-clients-4.4.0.jar).
 *
 *   node build/.../kafka-shim/scripts/generate-codec.js <spec-dir> kafka-shim/src/protocol/generated
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiSpec, DefaultValue, FieldSpec, FieldType, MessageSpec, Primitive, VersionRange } from '../src/protocol/spec.js';
import { MAX_VERSION } from '../src/protocol/spec.js';

interface RawField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: RawField[];
}

interface RawMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: RawField[];
  commonStructs?: { name: string; fields: RawField[] }[];
}

const PRIMITIVES = new Set<string>(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records']);

/** Drop `//` and `/* *\/` comments outside string literals (URLs inside "about" contain `//`). */
function stripComments(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      const start = i;
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === '\\') i++;
      out += src.slice(start, i + 1);
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2) + 1;
      if (i === 0) throw new Error('unterminated block comment');
    } else {
      out += c;
    }
  }
  return out;
}

function parseVersions(v: string | undefined, what: string): VersionRange | null {
  if (v === undefined || v === 'none') return null;
  const m = /^(\d+)(\+|-(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`${what}: bad version range "${v}"`);
  const min = Number(m[1]);
  const max = m[2] === '+' ? MAX_VERSION : m[3] !== undefined ? Number(m[3]) : min;
  return [min, max];
}

const camel = (s: string): string => s[0].toLowerCase() + s.slice(1);

function parseDefault(raw: RawField['default'], type: string, where: string): DefaultValue | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'null') return null;
  if (type === 'bool') return raw === true || raw === 'true';
  if (type === 'string') return String(raw);
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${where}: bad default ${JSON.stringify(raw)} for ${type}`);
  return n;
}

/** Natural default of a type; schema defaults equal to it are not emitted. */
function naturalDefault(type: FieldType): DefaultValue | undefined {
  if (type === 'bool') return false;
  if (type === 'string') return '';
  if (PRIMITIVES.has(type) && type !== 'uuid' && type !== 'bytes' && type !== 'records') return 0;
  return undefined;
}

function convertMessage(raw: RawMessage): MessageSpec {
  const structs = new Map<string, RawField[]>();
  for (const s of raw.commonStructs ?? []) structs.set(s.name, s.fields);
  const collect = (fields: RawField[]): void => {
    for (const f of fields) {
      if (!f.fields) continue;
      structs.set(f.type.replace(/^\[\]/, ''), f.fields);
      collect(f.fields);
    }
  };
  collect(raw.fields);

  const convertFields = (fields: RawField[], where: string): FieldSpec[] =>
    fields.map((f) => {
      const at = `${where}.${f.name}`;
      const isArray = f.type.startsWith('[]');
      const elem = isArray ? f.type.slice(2) : f.type;
      let type: FieldType;
      let nested: FieldSpec[] | undefined;
      if (PRIMITIVES.has(elem)) {
        type = (isArray ? `[]${elem}` : elem) as FieldType;
      } else {
        const body = f.fields ?? structs.get(elem);
        if (!body) throw new Error(`${at}: unknown type ${f.type}`);
        type = isArray ? '[]struct' : 'struct';
        nested = convertFields(body, at);
      }
      const versions = parseVersions(f.versions, at);
      if (!versions) throw new Error(`${at}: no versions`);
      const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = { name: camel(f.name), type, versions };
      const nullable = parseVersions(f.nullableVersions, at);
      if (nullable) spec.nullable = nullable;
      if (f.tag !== undefined) {
        const tagged = parseVersions(f.taggedVersions, at);
        if (!tagged) throw new Error(`${at}: tag without taggedVersions`);
        spec.tagged = tagged;
        spec.tag = f.tag;
      }
      const def = parseDefault(f.default, type, at);
      if (def !== undefined && def !== naturalDefault(type)) spec.default = def;
      if (nested) spec.fields = nested;
      return spec;
    });

  const valid = parseVersions(raw.validVersions, raw.name);
  if (!valid) throw new Error(`${raw.name}: no validVersions`);
  return { name: raw.name, valid, flexible: parseVersions(raw.flexibleVersions, raw.name), fields: convertFields(raw.fields, raw.name) };
}

// ---- output ---------------------------------------------------------------------------------

function renderRange(r: VersionRange): string {
  return `[${r[0]}, ${r[1] === MAX_VERSION ? 'MAX' : r[1]}]`;
}

function renderFields(fields: readonly FieldSpec[], indent: string): string {
  const lines = fields.map((f) => {
    const parts = [`name: '${f.name}'`, `type: '${f.type}'`, `versions: ${renderRange(f.versions)}`];
    if (f.nullable) parts.push(`nullable: ${renderRange(f.nullable)}`);
    if (f.tagged) parts.push(`tagged: ${renderRange(f.tagged)}`, `tag: ${f.tag}`);
    if (f.default !== undefined) parts.push(`default: ${JSON.stringify(f.default)}`);
    const head = `${indent}{ ${parts.join(', ')}`;
    if (!f.fields) return `${head} },`;
    return `${head}, fields: [\n${renderFields(f.fields, indent + '  ')}\n${indent}] },`;
  });
  return lines.join('\n');
}

function renderMessage(m: MessageSpec, indent: string): string {
  const flex = m.flexible ? renderRange(m.flexible) : 'null';
  return `{ name: '${m.name}', valid: ${renderRange(m.valid)}, flexible: ${flex}, fields: [\n${renderFields(m.fields, indent + '  ')}\n${indent}] }`;
}

const TS_TYPES: Record<Primitive, string> = {
  bool: 'boolean',
  int8: 'number',
  int16: 'number',
  uint16: 'number',
  int32: 'number',
  int64: 'number',
  float64: 'number',
  uuid: 'string',
  string: 'string',
  bytes: 'Buffer',
  records: 'Buffer',
};

function renderType(fields: readonly FieldSpec[], optional: boolean, indent: string): string {
  const q = optional ? '?' : '';
  const lines = fields.map((f) => {
    let t: string;
    if (f.fields) t = renderType(f.fields, optional, indent + '  ');
    // Response record sets may be the stored batches as a list (the codec writes them back to back).
    else if (f.type === 'records' && optional) t = 'Buffer | Buffer[]';
    else t = TS_TYPES[f.type.replace('[]', '') as Primitive];
    if (f.type.startsWith('[]')) t = f.fields ? `Array<${t}>` : `${t}[]`;
    if (f.nullable) t += ' | null';
    return `${indent}  ${f.name}${q}: ${t};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function main(): void {
  const [specDir, outDir] = process.argv.slice(2);
  if (!specDir || !outDir) {
    process.stderr.write('usage: generate-codec <kafka-message-specs dir> <output dir>\n');
    process.exit(2);
  }
  const byKey = new Map<number, { request?: MessageSpec; response?: MessageSpec; name?: string }>();
  for (const file of readdirSync(specDir).filter((f) => f.endsWith('.json')).sort()) {
    const raw = JSON.parse(stripComments(readFileSync(path.join(specDir, file), 'utf8'))) as RawMessage;
    if ((raw.type !== 'request' && raw.type !== 'response') || raw.apiKey === undefined) continue;
    // Kafka 4 keeps the schemas of removed APIs (LeaderAndIsr, ...) as `"validVersions": "none"` stubs.
    if (parseVersions(raw.validVersions, raw.name) === null) continue;
    const entry = byKey.get(raw.apiKey) ?? {};
    entry[raw.type] = convertMessage(raw);
    if (raw.type === 'request') entry.name = raw.name.replace(/Request$/, '');
    byKey.set(raw.apiKey, entry);
  }
  const apis: ApiSpec[] = [...byKey.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, e]) => {
      if (!e.request || !e.response || !e.name) throw new Error(`API key ${key}: missing request or response`);
      return { key, name: e.name, request: e.request, response: e.response };
    });

  const header = '// Generated by kafka-shim/scripts/generate-codec.ts from Apache Kafka\'s JSON message schemas\n// (Apache-2.0). Do not edit: re-run the generator.\n';
  const specs =
    header +
    `import { MAX_VERSION as MAX, type ApiSpec } from '../spec.js';\n\n` +
    `export const API_SPECS: readonly ApiSpec[] = [\n` +
    apis
      .map(
        (a) =>
          `  {\n    key: ${a.key},\n    name: '${a.name}',\n    request: ${renderMessage(a.request, '    ')},\n    response: ${renderMessage(a.response, '    ')},\n  },`,
      )
      .join('\n') +
    `\n];\n`;
  const types =
    header +
    '/* Requests arrive fully populated (fields absent from the version hold their defaults);\n' +
    ' * responses may omit any field: the encoder writes the schema default. int64 is a number\n' +
    ' * (exact up to 2^53), uuid a canonical 8-4-4-4-12 hex string. */\n\n' +
    apis
      .map(
        (a) =>
          `export interface ${a.request.name} ${renderType(a.request.fields, false, '')}\n\n` +
          `export interface ${a.response.name} ${renderType(a.response.fields, true, '')}\n`,
      )
      .join('\n') +
    '\n/** Request and response type of every API key: handlers are typed by their key (../../apis/api.ts). */\n' +
    'export interface ApiMessages {\n' +
    apis.map((a) => `  ${a.key}: { request: ${a.request.name}; response: ${a.response.name} };\n`).join('') +
    '}\n';
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'specs.ts'), specs);
  writeFileSync(path.join(outDir, 'types.ts'), types);
  process.stdout.write(`generated ${apis.length} APIs into ${outDir}\n`);
}

main();
