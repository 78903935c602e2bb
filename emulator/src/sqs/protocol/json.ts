/**
 * AWS JSON 1.0: request bodies checked against the model (blobs arrive base64 and leave as Buffers),
 * and output objects written straight to a JSON string (Buffers leave as base64).
 *
 * A value of the wrong JSON type is a SerializationException, which is what AWS's JSON front end
 * (coral) answers before the service ever sees the request; the message follows coral's wording.
 * `null` counts as absent, and members the model does not know are dropped.
 */
import { SqsError } from '../semantics/api.js';
import { fitsInteger, missingMember, setEntry, type DecodedInput } from './input.js';
import { base64, booleanText, integerText } from './output.js';
import type { ListShape, MapShape, Shape, StructureShape } from './model.js';

export function decodeJsonInput(shape: StructureShape, body: unknown): DecodedInput {
  if (!isObject(body)) throw new SqsError('SerializationException', 'Start of structure or map expected.');
  return decodeStructure(shape, body, true);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'START_ARRAY';
  if (typeof v === 'object') return 'START_OBJECT';
  return `${typeof v === 'number' ? 'NUMBER' : typeof v === 'boolean' ? 'BOOLEAN' : 'STRING'}_VALUE`;
}

const TYPE_NAMES: Record<Shape['type'], string> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  boolean: 'a Boolean',
  blob: 'a Blob',
  list: 'a List',
  map: 'a Map',
  structure: 'a Structure',
};

function mismatch(shape: Shape, v: unknown): SqsError {
  return new SqsError('SerializationException', `${kind(v)} can not be converted to ${TYPE_NAMES[shape.type]}`);
}

function decodeStructure(shape: StructureShape, obj: Record<string, unknown>, topLevel: boolean): DecodedInput {
  const out: DecodedInput = {};
  for (const m of shape.members) {
    const v = obj[m.name];
    if (v !== undefined && v !== null) out[m.name] = decodeValue(m.shape, v);
    else if (m.required) out[m.name] = missingMember(m, m.name, topLevel);
  }
  return out;
}

function decodeValue(shape: Shape, v: unknown): unknown {
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') throw mismatch(shape, v);
      return v;
    case 'integer':
    case 'long':
      if (typeof v !== 'number' || !fitsInteger(shape.type, v)) throw mismatch(shape, v);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw mismatch(shape, v);
      return v;
    case 'blob':
      if (typeof v !== 'string') throw mismatch(shape, v);
      return Buffer.from(v, 'base64');
    case 'list':
      return decodeList(shape, v);
    case 'map':
      return decodeMap(shape, v);
    case 'structure':
      if (!isObject(v)) throw mismatch(shape, v);
      return decodeStructure(shape, v, false);
  }
}

function decodeList(shape: ListShape, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw mismatch(shape, v);
  const out: unknown[] = [];
  for (const item of v) if (item !== null && item !== undefined) out.push(decodeValue(shape.member, item));
  return out;
}

function decodeMap(shape: MapShape, v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw mismatch(shape, v);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const value = v[key];
    if (value !== null && value !== undefined) setEntry(out, key, decodeValue(shape.value, value));
  }
  return out;
}

/** The JSON text of `value` as the output shape `shape` describes it. */
export function encodeJsonOutput(shape: StructureShape | undefined, value: object | undefined): string {
  return shape && value ? encodeStructure(shape, value as Record<string, unknown>, true) : '{}';
}

/**
 * `top`: the output itself, where AWS's JSON protocol leaves out an empty list or map (a batch's
 * `"Failed":[]`, GetQueueAttributes' `"Attributes":{}`) instead of sending it empty.
 */
function encodeStructure(shape: StructureShape, obj: Record<string, unknown>, top = false): string {
  let s = '{';
  for (const m of shape.members) {
    const v = obj[m.name];
    if (v === undefined || v === null) continue;
    if (top && (m.shape.type === 'list' || m.shape.type === 'map') && isEmpty(v)) continue;
    if (s.length > 1) s += ',';
    s += m.jsonKey + encodeValue(m.shape, v);
  }
  return s + '}';
}

function encodeValue(shape: Shape, v: unknown): string {
  switch (shape.type) {
    case 'string':
      return jsonString(typeof v === 'string' ? v : String(v));
    case 'integer':
    case 'long':
      return integerText(v);
    case 'boolean':
      return booleanText(v);
    case 'blob':
      return `"${base64(v)}"`;
    case 'list': {
      if (!Array.isArray(v)) throw new TypeError(`output list expected, got ${typeof v}`);
      let s = '[';
      for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + encodeValue(shape.member, v[i]);
      return s + ']';
    }
    case 'map': {
      const obj = v as Record<string, unknown>;
      let s = '{';
      for (const key of Object.keys(obj)) {
        const item = obj[key];
        if (item === undefined || item === null) continue;
        if (s.length > 1) s += ',';
        s += jsonString(key) + ':' + encodeValue(shape.value, item);
      }
      return s + '}';
    }
    case 'structure':
      return encodeStructure(shape, v as Record<string, unknown>);
  }
}

/** Characters JSON.stringify would escape (surrogates: a lone one is written as \uXXXX). */
const JSON_SPECIAL = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** Most output strings (ids, handles, URLs, MD5s) need no escaping; skip the general encoder for them. */
function jsonString(s: string): string {
  return JSON_SPECIAL.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}
