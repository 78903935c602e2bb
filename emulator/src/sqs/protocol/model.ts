/**
 * The AWS API model compiled once at startup into the shape trees every codec walks: member names,
 * types, required members, and the Query/XML wire names.
 *
 * The model is the JSON protocol's (minified, inline shapes), which has lost the Query protocol's
 * `locationName`s. Those come back from WIRE_NAMES, checked against the last Query-protocol models
 * (botocore's and LocalStack's preserved `sqs-query` service-2.json): a flattened list's items and a
 * flattened map's entries are named after the element, not the member (`AttributeName.1`,
 * `Attribute.1.Name`), and that same name is the XML element in responses.
 */
import api from '../model/sqs-2012-11-05.api.json' with { type: 'json' };
import { OPERATIONS, type OperationName } from '../model/generated.js';

export type ScalarType = 'string' | 'integer' | 'long' | 'boolean' | 'blob';

export type Shape = ScalarShape | ListShape | MapShape | StructureShape;

export interface ScalarShape {
  readonly type: ScalarType;
}

export interface ListShape {
  readonly type: 'list';
  readonly member: Shape;
  /** Items sit directly in the parent as `<wireName>.N` / `<wireName>` elements; otherwise under `.member.N`. */
  readonly flattened: boolean;
}

export interface MapShape {
  readonly type: 'map';
  readonly value: Shape;
  readonly flattened: boolean;
  /** Query suffixes of an entry (`Attribute.1.Name`, `Attribute.1.Value`). */
  readonly keyName: string;
  readonly valueName: string;
  /** The same names as XML tags, built once. */
  readonly keyOpen: string;
  readonly keyClose: string;
  readonly valueOpen: string;
  readonly valueClose: string;
}

export interface StructureShape {
  readonly type: 'structure';
  readonly members: readonly Member[];
}

export interface Member {
  /** The JSON member name (what semantics sees). */
  readonly name: string;
  /** Query parameter / XML element name. */
  readonly wireName: string;
  readonly shape: Shape;
  readonly required: boolean;
  /** `"Name":` for JSON output, built once. */
  readonly jsonKey: string;
  /** `<WireName>` and `</WireName>` for XML output, built once. */
  readonly xmlOpen: string;
  readonly xmlClose: string;
}

export interface OperationModel {
  readonly name: OperationName;
  readonly input: StructureShape;
  /** Absent when the operation returns nothing (XML: no `<OpResult>` element at all). */
  readonly output: StructureShape | undefined;
}

/** Query/XML names that differ from the JSON member name (element names of flattened lists and maps). */
const WIRE_NAMES: Readonly<Record<string, string>> = {
  AWSAccountIds: 'AWSAccountId',
  Actions: 'ActionName',
  AttributeNames: 'AttributeName',
  MessageAttributeNames: 'MessageAttributeName',
  MessageSystemAttributeNames: 'MessageSystemAttributeName',
  TagKeys: 'TagKey',
  Attributes: 'Attribute',
  tags: 'Tag',
  Tags: 'Tag',
  MessageAttributes: 'MessageAttribute',
  MessageSystemAttributes: 'MessageSystemAttribute',
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
  Results: 'ListMessageMoveTasksResultEntry',
  StringListValues: 'StringListValue',
  BinaryListValues: 'BinaryListValue',
};

/** Tag maps say Key/Value; every other map says Name/Value. */
const MAP_KEY_NAMES: Readonly<Record<string, string>> = { tags: 'Key', Tags: 'Key' };

function wireName(op: string, member: string): string {
  // Batch lists are named after their operation: SendMessageBatchRequestEntry.1.Id, <SendMessageBatchResultEntry>.
  if (member === 'Entries') return `${op}RequestEntry`;
  if (member === 'Successful') return `${op}ResultEntry`;
  return WIRE_NAMES[member] ?? member;
}

interface RawShape {
  shape?: string;
  type?: string;
  members?: Record<string, RawShape>;
  required?: string[];
  member?: RawShape;
  value?: RawShape;
  flattened?: boolean;
}

const rawShapes = api.shapes as unknown as Record<string, RawShape>;

/** A member reference's own traits (e.g. `flattened`) win over the referenced shape's. */
function resolve(ref: RawShape): RawShape {
  if (!ref.shape) return ref;
  const target = rawShapes[ref.shape];
  if (!target) throw new Error(`SQS model: unknown shape ${ref.shape}`);
  const { shape: _ignored, ...traits } = ref;
  return { ...resolve(target), ...traits };
}

function compile(op: string, memberName: string, ref: RawShape): Shape {
  const raw = resolve(ref);
  switch (raw.type) {
    case undefined:
    case 'string':
      return STRING;
    case 'integer':
    case 'long':
    case 'boolean':
    case 'blob':
      return { type: raw.type };
    case 'list':
      return { type: 'list', member: compile(op, memberName, raw.member ?? {}), flattened: raw.flattened === true };
    case 'map': {
      const keyName = MAP_KEY_NAMES[memberName] ?? 'Name';
      const valueName = 'Value';
      return {
        type: 'map',
        value: compile(op, memberName, raw.value ?? {}),
        flattened: raw.flattened === true,
        keyName,
        valueName,
        keyOpen: `<${keyName}>`,
        keyClose: `</${keyName}>`,
        valueOpen: `<${valueName}>`,
        valueClose: `</${valueName}>`,
      };
    }
    case 'structure':
      return compileStructure(op, raw);
    default:
      throw new Error(`SQS model: unsupported type ${raw.type}`);
  }
}

const STRING: ScalarShape = { type: 'string' };

function compileStructure(op: string, raw: RawShape): StructureShape {
  const required = new Set(raw.required ?? []);
  const members = Object.entries(raw.members ?? {}).map(([name, ref]): Member => {
    const wire = wireName(op, name);
    return {
      name,
      wireName: wire,
      shape: compile(op, name, ref),
      required: required.has(name),
      jsonKey: `${JSON.stringify(name)}:`,
      xmlOpen: `<${wire}>`,
      xmlClose: `</${wire}>`,
    };
  });
  return { type: 'structure', members };
}

function compileOperations(): ReadonlyMap<string, OperationModel> {
  const ops = api.operations as unknown as Record<string, { input?: RawShape; output?: RawShape }>;
  const out = new Map<string, OperationModel>();
  for (const name of OPERATIONS) {
    const raw = ops[name];
    if (!raw) throw new Error(`SQS model: no operation ${name}`);
    out.set(name, {
      name,
      input: compileStructure(name, resolve(raw.input ?? {})),
      output: raw.output ? compileStructure(name, resolve(raw.output)) : undefined,
    });
  }
  return out;
}

/** Every operation by name. A `Map`, so a request naming `toString` or `__proto__` finds nothing. */
export const OPERATION_MODELS = compileOperations();

export const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';
export const TARGET_PREFIX = `${api.metadata.targetPrefix}.`;
