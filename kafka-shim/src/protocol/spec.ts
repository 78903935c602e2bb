/**
 * The shape of the generated message descriptors (./generated/specs.ts): Kafka's JSON message
 * schemas reduced to what the wire needs. One generic runtime (./codec.ts) interprets them, so the
 * generated output stays declarative and small.
 */

/** Inclusive [min, max]; schema "N+" becomes max = MAX_VERSION. */
export type VersionRange = readonly [number, number];

export const MAX_VERSION = 0x7fff;

/** The uuid default: "no topic id" in requests that name topics by name. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export type Primitive =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

/** A primitive, an array of primitives (`[]int32`), a struct, or an array of structs. */
export type FieldType = Primitive | `[]${Primitive}` | 'struct' | '[]struct';

export type DefaultValue = number | string | boolean | null;

export interface FieldSpec {
  /** lowerCamelCase of the schema name: the property name in requests and responses. */
  readonly name: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullable?: VersionRange;
  /** Versions in which this field travels in the tagged-field section, under `tag`. */
  readonly tagged?: VersionRange;
  readonly tag?: number;
  /** Only when the schema overrides the type's natural default (0, '', false, [], empty bytes). */
  readonly default?: DefaultValue;
  /** Struct and struct-array fields only. */
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly name: string;
  readonly valid: VersionRange;
  /** null when no version is flexible. */
  readonly flexible: VersionRange | null;
  readonly fields: readonly FieldSpec[];
}

export interface ApiSpec {
  readonly key: number;
  /** Schema name without Request/Response, e.g. `Produce`. */
  readonly name: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}

export function inRange(range: VersionRange | null | undefined, version: number): boolean {
  return !!range && version >= range[0] && version <= range[1];
}
