/**
 * Representative values for any message descriptor: every field present in the version gets a
 * non-default value (or null, in the `nulls` variant, where the version allows it); `expected`
 * gives what decoding must return, i.e. the same values plus defaults for fields the version lacks.
 */
import { inRange, type FieldSpec } from '../../src/protocol/spec.js';

type Obj = Record<string, unknown>;
export type Variant = 'values' | 'nulls';

const VALUES: Record<string, () => unknown> = {
  bool: () => true,
  int8: () => -7,
  int16: () => 300,
  uint16: () => 65000,
  int32: () => -100000,
  int64: () => 2 ** 40 + 3,
  float64: () => 1.25,
  uuid: () => '0123abcd-4567-89ef-0123-456789abcdef',
  string: () => 'tandém-✓',
  bytes: () => Buffer.from([1, 2, 3, 250]),
  records: () => Buffer.from('record-batch-bytes'),
};

export function sample(fields: readonly FieldSpec[], version: number, variant: Variant): Obj {
  const o: Obj = {};
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    if (variant === 'nulls' && inRange(f.nullable, version)) {
      o[f.name] = null;
    } else if (f.type === 'struct') {
      o[f.name] = sample(f.fields!, version, variant);
    } else if (f.type === '[]struct') {
      o[f.name] = [sample(f.fields!, version, variant), sample(f.fields!, version, 'values')];
    } else if (f.type.startsWith('[]')) {
      const v = VALUES[f.type.slice(2)];
      o[f.name] = [v(), v()];
    } else {
      o[f.name] = VALUES[f.type]();
    }
  }
  return o;
}

function defaultOf(f: FieldSpec): unknown {
  if (f.default !== undefined) return f.default;
  if (f.type === 'struct') return defaults(f.fields!);
  if (f.type.startsWith('[]')) return [];
  switch (f.type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    default:
      return 0;
  }
}

function defaults(fields: readonly FieldSpec[]): Obj {
  return Object.fromEntries(fields.map((f) => [f.name, defaultOf(f)]));
}

/** What decoding `encode(value)` at `version` must give. */
export function expected(fields: readonly FieldSpec[], version: number, value: Obj): Obj {
  const o: Obj = {};
  for (const f of fields) {
    const v = value[f.name];
    if (!inRange(f.versions, version)) o[f.name] = defaultOf(f);
    else if (v !== null && f.type === 'struct') o[f.name] = expected(f.fields!, version, v as Obj);
    else if (v !== null && f.type === '[]struct') o[f.name] = (v as Obj[]).map((e) => expected(f.fields!, version, e));
    else o[f.name] = v;
  }
  return o;
}
