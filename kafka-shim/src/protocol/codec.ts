/**
 * The generic codec: turns a message descriptor (./spec.ts) into a reader and a writer for one
 * version. Plans are built once per (message, version) from closures over the field list, so the
 * per-request cost is a straight walk over the fields with no version checks.
 *
 * Decoding fills every field the version lacks with its default, so handlers read one shape for all
 * versions. Encoding writes the default for any field the value omits, and silently drops fields the
 * version does not have (handlers build one shape for all versions).
 */
import { ProtocolError, Reader } from './reader.js';
import { inRange, ZERO_UUID, type FieldSpec, type MessageSpec } from './spec.js';
import { Writer } from './writer.js';

type Obj = Record<string, unknown>;

export interface Codec {
  read(r: Reader): any;
  write(w: Writer, value: any): void;
}

interface DefaultPlan {
  readonly name: string;
  readonly makeDefault: () => unknown;
}

interface FieldPlan extends DefaultPlan {
  readonly codec: Codec;
}

interface TaggedPlan extends FieldPlan {
  readonly tag: number;
  readonly isDefault: (v: unknown) => boolean;
}

const EMPTY = Buffer.alloc(0);

/** Handler values are checked, not coerced: Buffer writes would silently turn null or '5' into
 * numbers and put a wrong value on the wire. */
function num(v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`expected a number, got ${v === null ? 'null' : typeof v}`);
  return v;
}

const NUMERIC: Record<string, Codec> = {
  int8: { read: (r) => r.int8(), write: (w, v) => w.int8(num(v)) },
  int16: { read: (r) => r.int16(), write: (w, v) => w.int16(num(v)) },
  uint16: { read: (r) => r.uint16(), write: (w, v) => w.uint16(num(v)) },
  int32: { read: (r) => r.int32(), write: (w, v) => w.int32(num(v)) },
  int64: { read: (r) => r.int64(), write: (w, v) => w.int64(typeof v === 'bigint' ? v : num(v)) },
  float64: { read: (r) => r.float64(), write: (w, v) => w.float64(num(v)) },
  bool: {
    read: (r) => r.bool(),
    write(w, v) {
      if (typeof v !== 'boolean') throw new TypeError(`expected a boolean, got ${v === null ? 'null' : typeof v}`);
      w.bool(v);
    },
  },
  uuid: { read: (r) => r.uuid(), write: (w, v) => w.uuid(v) },
};

/** Length prefix for strings (int16), bytes and arrays (int32), or compact (uvarint n+1). */
function lengthCodec(kind: 'string' | 'bytes' | 'array', flexible: boolean) {
  if (flexible) return { read: (r: Reader) => r.compactLength(), write: (w: Writer, n: number) => w.uvarint(n + 1) };
  if (kind === 'string') return { read: (r: Reader) => r.int16(), write: (w: Writer, n: number) => w.int16(n) };
  return { read: (r: Reader) => r.int32(), write: (w: Writer, n: number) => w.int32(n) };
}

function nonNull(field: string): never {
  throw new TypeError(`${field} is not nullable in this version`);
}

/** How a string or bytes field's payload is read, measured and written after its length prefix. */
interface Payload<T> {
  read(r: Reader, n: number): T;
  /** Byte length of `v`, after checking it is a value this field may carry. */
  size(v: T): number;
  put(w: Writer, v: T, n: number): void;
}

/** A length-prefixed string or bytes field: -1 is null where the version allows it. */
function sizedCodec<T>(field: string, kind: 'string' | 'bytes', nullable: boolean, flexible: boolean, p: Payload<T>): Codec {
  const len = lengthCodec(kind, flexible);
  return {
    read(r) {
      const n = len.read(r);
      if (n >= 0) return p.read(r, n);
      if (n === -1 && nullable) return null;
      throw new ProtocolError(`${field}: bad ${kind} length ${n}`);
    },
    write(w, v: T | null) {
      if (v === null) return nullable ? len.write(w, -1) : nonNull(field);
      const n = p.size(v);
      len.write(w, n);
      p.put(w, v, n);
    },
  };
}

function stringCodec(field: string, nullable: boolean, flexible: boolean): Codec {
  return sizedCodec<string>(field, 'string', nullable, flexible, {
    read: (r, n) => r.utf8(n),
    size(v) {
      const n = Buffer.byteLength(v, 'utf8');
      if (!flexible && n > 0x7fff) throw new RangeError(`${field}: string longer than 32767 bytes`);
      return n;
    },
    put: (w, v, n) => w.utf8(v, n),
  });
}

function bytesCodec(field: string, nullable: boolean, flexible: boolean): Codec {
  return sizedCodec<Buffer>(field, 'bytes', nullable, flexible, {
    read: (r, n) => r.bytes(n),
    size(v) {
      if (!Buffer.isBuffer(v)) throw new TypeError(`${field}: expected a Buffer`);
      return v.length;
    },
    put: (w, v) => w.raw(v),
  });
}

/** Records in a response may also be a list of stored batches, written back to back: Fetch hands
 * over what the log returned without concatenating it (the Writer references large batches). */
function recordsCodec(field: string, nullable: boolean, flexible: boolean): Codec {
  return sizedCodec<Buffer | Buffer[]>(field, 'bytes', nullable, flexible, {
    read: (r, n) => r.bytes(n),
    size(v) {
      if (Buffer.isBuffer(v)) return v.length;
      if (!Array.isArray(v)) throw new TypeError(`${field}: expected a Buffer or an array of Buffers`);
      let n = 0;
      for (const b of v) {
        if (!Buffer.isBuffer(b)) throw new TypeError(`${field}: expected a Buffer or an array of Buffers`);
        n += b.length;
      }
      return n;
    },
    put(w, v) {
      if (Buffer.isBuffer(v)) return w.raw(v);
      for (const b of v) w.raw(b);
    },
  });
}

function arrayCodec(field: string, elem: Codec, nullable: boolean, flexible: boolean): Codec {
  const len = lengthCodec('array', flexible);
  return {
    read(r) {
      const n = len.read(r);
      if (n === -1 && nullable) return null;
      if (n < 0) throw new ProtocolError(`${field}: bad array length ${n}`);
      r.checkCount(n);
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = elem.read(r);
      return out;
    },
    write(w, v: unknown[] | null) {
      if (v === null) return nullable ? len.write(w, -1) : nonNull(field);
      if (!Array.isArray(v)) throw new TypeError(`${field}: expected an array`);
      len.write(w, v.length);
      for (let i = 0; i < v.length; i++) elem.write(w, v[i]);
    },
  };
}

/** Nullable (non-array) structs carry a presence byte: -1 null, 1 present. */
function nullableStruct(inner: Codec): Codec {
  return {
    read: (r) => (r.int8() < 0 ? null : inner.read(r)),
    write(w, v) {
      if (v === null) return w.int8(-1);
      w.int8(1);
      inner.write(w, v);
    },
  };
}

function defaultFactory(f: FieldSpec, version: number): () => unknown {
  if (f.default !== undefined) {
    const d = f.default;
    return () => d;
  }
  switch (f.type) {
    case 'bool':
      return () => false;
    case 'string':
      return () => '';
    case 'uuid':
      return () => ZERO_UUID;
    case 'bytes':
    case 'records':
      // Empty rather than null: librdkafka rejects a null record set in Fetch responses.
      return () => EMPTY;
    case 'struct': {
      const plan = structPlan(f.fields!, version, false);
      return () => plan.defaults();
    }
    default:
      return f.type.startsWith('[]') ? () => [] : () => 0;
  }
}

function isDefaultValue(f: FieldSpec, version: number): (v: unknown) => boolean {
  if (f.type === 'struct') {
    const nested = f.fields!.map((n) => ({ name: n.name, check: isDefaultValue(n, version) }));
    return (v) => v === undefined || (v !== null && nested.every((n) => n.check((v as Obj)[n.name])));
  }
  const d = defaultFactory(f, version)();
  if (Array.isArray(d)) return (v) => v === undefined || (Array.isArray(v) && v.length === 0);
  if (Buffer.isBuffer(d)) return (v) => v === undefined || (Buffer.isBuffer(v) && v.length === 0);
  return (v) => v === undefined || v === d;
}

function fieldCodec(f: FieldSpec, version: number, flexible: boolean): Codec {
  const nullable = inRange(f.nullable, version);
  const elemType = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
  // nullableVersions applies to the field itself: an array may be null, never its elements.
  const elemNullable = nullable && !f.type.startsWith('[]');
  let elem: Codec;
  if (elemType === 'struct') elem = structPlan(f.fields!, version, flexible).codec;
  else if (elemType === 'string') elem = stringCodec(f.name, elemNullable, flexible);
  else if (elemType === 'bytes') elem = bytesCodec(f.name, elemNullable, flexible);
  else if (elemType === 'records') elem = recordsCodec(f.name, elemNullable, flexible);
  else elem = NUMERIC[elemType];
  if (f.type.startsWith('[]')) return arrayCodec(f.name, elem, nullable, flexible);
  return f.type === 'struct' && nullable ? nullableStruct(elem) : elem;
}

interface StructPlan {
  readonly codec: Codec;
  /** A fresh object holding every field's default (for absent struct fields). */
  defaults(): Obj;
}

function structPlan(fields: readonly FieldSpec[], version: number, flexible: boolean): StructPlan {
  const regular: FieldPlan[] = [];
  const tagged: TaggedPlan[] = [];
  const absent: DefaultPlan[] = [];
  const all: DefaultPlan[] = [];
  for (const f of fields) {
    const makeDefault = defaultFactory(f, version);
    const isTagged = flexible && f.tag !== undefined && inRange(f.tagged, version);
    if (!inRange(f.versions, version)) {
      absent.push({ name: f.name, makeDefault });
    } else if (isTagged) {
      // Tagged values are always written in the flexible encoding.
      tagged.push({ name: f.name, codec: fieldCodec(f, version, true), makeDefault, tag: f.tag!, isDefault: isDefaultValue(f, version) });
    } else {
      regular.push({ name: f.name, codec: fieldCodec(f, version, flexible), makeDefault });
    }
    all.push({ name: f.name, makeDefault });
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(tagged.map((t) => [t.tag, t]));

  const codec: Codec = {
    read(r) {
      const o: Obj = {};
      for (let i = 0; i < regular.length; i++) o[regular[i].name] = regular[i].codec.read(r);
      for (let i = 0; i < absent.length; i++) o[absent[i].name] = absent[i].makeDefault();
      if (!flexible) return o;
      for (let i = 0; i < tagged.length; i++) o[tagged[i].name] = tagged[i].makeDefault();
      const count = r.uvarint();
      r.checkCount(count);
      for (let i = 0; i < count; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        const body = r.bytes(size);
        const t = byTag.get(tag);
        if (!t) continue; // unknown tags are skipped, as the protocol requires
        o[t.name] = t.codec.read(new Reader(body));
      }
      return o;
    },
    write(w, v: Obj) {
      for (let i = 0; i < regular.length; i++) {
        const f = regular[i];
        const x = v[f.name];
        f.codec.write(w, x === undefined ? f.makeDefault() : x);
      }
      if (!flexible) return;
      // One default check per tagged field (struct checks walk their fields; Fetch v12 has three
      // per partition); the list is only allocated when something is actually tagged.
      let present: TaggedPlan[] | undefined;
      for (let i = 0; i < tagged.length; i++) if (!tagged[i].isDefault(v[tagged[i].name])) (present ??= []).push(tagged[i]);
      if (!present) return w.uvarint(0);
      w.uvarint(present.length);
      for (const t of present) {
        const sub = new Writer(64);
        t.codec.write(sub, v[t.name]);
        const body = sub.toBuffer();
        w.uvarint(t.tag);
        w.uvarint(body.length);
        w.raw(body);
      }
    },
  };
  return {
    codec,
    defaults() {
      const o: Obj = {};
      for (const f of all) o[f.name] = f.makeDefault();
      return o;
    },
  };
}

const cache = new WeakMap<MessageSpec, Codec[]>();

/** The codec of `message` at `version` (built on first use). */
export function messageCodec(message: MessageSpec, version: number): Codec {
  if (!inRange(message.valid, version)) throw new RangeError(`${message.name} has no version ${version}`);
  let byVersion = cache.get(message);
  if (!byVersion) cache.set(message, (byVersion = []));
  return (byVersion[version] ??= structPlan(message.fields, version, inRange(message.flexible, version)).codec);
}
