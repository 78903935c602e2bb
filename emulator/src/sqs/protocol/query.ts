/**
 * Query protocol input: form parameters (`Action=SendMessage&MessageAttribute.1.Name=a&...`) into
 * the JSON-shaped input object semantics expect, driven by the model.
 *
 * Parameters are first split on `.` into a tree (`MessageAttribute` -> `1` -> `Value` -> `DataType`),
 * then the operation's input shape walks that tree, so each parameter is looked at once and the
 * walk only touches what the model names; anything else the client sent is ignored, as AWS does.
 */
import { unescape } from 'node:querystring';
import { SqsError } from '../semantics/api.js';
import { fitsInteger, missingMember, setEntry, type DecodedInput } from './input.js';
import type { ListShape, MapShape, Shape, StructureShape } from './model.js';

export interface FormTree {
  [key: string]: string | FormTree;
}

export function newFormTree(): FormTree {
  // No prototype: a parameter named `__proto__` or `constructor` is just a parameter.
  return Object.create(null) as FormTree;
}

function decodeComponent(s: string): string {
  if (s.indexOf('+') >= 0) s = s.replace(/\+/g, ' ');
  // querystring.unescape falls back to a lenient decoder on malformed %-sequences instead of throwing.
  return s.indexOf('%') >= 0 ? unescape(s) : s;
}

/** Add the parameters of an `application/x-www-form-urlencoded` string to `tree`; later ones win. */
export function parseForm(text: string, tree: FormTree): void {
  let start = 0;
  const len = text.length;
  while (start < len) {
    let end = text.indexOf('&', start);
    if (end < 0) end = len;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const key = decodeComponent(text.slice(start, hasValue ? eq : end));
      const value = hasValue ? decodeComponent(text.slice(eq + 1, end)) : '';
      if (key) insert(tree, key, value);
    }
    start = end + 1;
  }
}

/** The longest parameter names of SQS actions have 7 segments (SendMessageBatchRequestEntry.1.
 * MessageAttribute.1.Value.BinaryListValue.1); a name with many more is unknown, and ignored like
 * any unknown parameter, before it can build a deep tree (`a.a.a…` of megabytes). */
const MAX_SEGMENTS = 12;

function insert(tree: FormTree, key: string, value: string): void {
  let node = tree;
  let from = 0;
  for (let dots = 0, i = key.indexOf('.'); i >= 0; i = key.indexOf('.', i + 1)) if (++dots >= MAX_SEGMENTS) return;
  for (;;) {
    const dot = key.indexOf('.', from);
    if (dot < 0) break;
    const seg = key.slice(from, dot);
    let child = node[seg];
    if (typeof child !== 'object') {
      // A parameter that also has sub-parameters is a structure, list or map: the children win.
      child = newFormTree();
      node[seg] = child;
    }
    node = child;
    from = dot + 1;
  }
  const last = key.slice(from);
  if (typeof node[last] !== 'object') node[last] = value;
}

/** Decode the form tree of one request into the input of the operation whose input shape is `shape`. */
export function decodeQueryInput(shape: StructureShape, tree: FormTree): DecodedInput {
  return decodeStructure(shape, tree, '', true);
}

function decodeStructure(shape: StructureShape, tree: FormTree, prefix: string, topLevel: boolean): DecodedInput {
  const out: DecodedInput = {};
  for (const m of shape.members) {
    const node = tree[m.wireName];
    const path = prefix + m.wireName;
    const value = node === undefined ? undefined : decodeValue(m.shape, node, path);
    if (value !== undefined) out[m.name] = value;
    else if (m.required) out[m.name] = missingMember(m, path, topLevel);
  }
  return out;
}

function decodeValue(shape: Shape, node: string | FormTree, path: string): unknown {
  switch (shape.type) {
    case 'structure':
      return typeof node === 'object' ? decodeStructure(shape, node, path + '.', false) : undefined;
    case 'list':
      return decodeList(shape, node, path);
    case 'map':
      return decodeMap(shape, node, path);
    default:
      return typeof node === 'string' ? decodeScalar(shape.type, node, path) : undefined;
  }
}

const INDEX = /^(?:0|[1-9]\d*)$/;

/** Keys of `node` that are list indices, in ascending numeric order (the order JS gives integer keys). */
function indices(node: FormTree): string[] {
  return Object.keys(node).filter((k) => INDEX.test(k));
}

function decodeList(shape: ListShape, node: string | FormTree, path: string): unknown[] | undefined {
  // botocore writes an empty list as the bare name with an empty value.
  if (typeof node === 'string') return node === '' ? [] : undefined;
  let items: string | FormTree | undefined = node;
  let itemPath = path;
  if (!shape.flattened) {
    items = node.member;
    itemPath += '.member';
    if (typeof items !== 'object') return [];
  }
  const out: unknown[] = [];
  for (const i of indices(items)) {
    const v = decodeValue(shape.member, items[i], `${itemPath}.${i}`);
    if (v !== undefined) out.push(v);
  }
  return out;
}

function decodeMap(shape: MapShape, node: string | FormTree, path: string): Record<string, unknown> | undefined {
  if (typeof node === 'string') return node === '' ? {} : undefined;
  let entries: string | FormTree | undefined = node;
  let entryPath = path;
  if (!shape.flattened) {
    entries = node.entry;
    entryPath += '.entry';
    if (typeof entries !== 'object') return {};
  }
  const out: Record<string, unknown> = {};
  for (const i of indices(entries)) {
    const entry = entries[i];
    if (typeof entry !== 'object') continue;
    const key = entry[shape.keyName];
    if (typeof key !== 'string') continue;
    // An entry without a value still names its key: '' for text (semantics judges it), an empty
    // structure for attribute values (whose required DataType then reports itself).
    const raw = entry[shape.valueName] ?? (shape.value.type === 'structure' ? newFormTree() : '');
    const value = decodeValue(shape.value, raw, `${entryPath}.${i}.${shape.valueName}`);
    if (value !== undefined) setEntry(out, key, value);
  }
  return out;
}

/**
 * Query parameters are all text; the model says what they mean. A value that is not of the member's
 * type is InvalidParameterValue over Query (SerializationException is a JSON-protocol error).
 */
function decodeScalar(type: string, text: string, path: string): unknown {
  switch (type) {
    case 'integer':
    case 'long': {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      if (!fitsInteger(type, n)) throw new SqsError('InvalidParameterValue', `Value ${text} for parameter ${path} is invalid. Reason: Must be an integer.`);
      return n;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new SqsError('InvalidParameterValue', `Value ${text} for parameter ${path} is invalid. Reason: Must be a boolean.`);
    }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}
