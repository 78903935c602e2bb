/**
 * Queues and topics declared in the config file (`sqs.queues[]`, `kafka.topics[]`), read with
 * their file positions, then applied at every startup through each engine's own API: the host
 * composes, no engine knows the other. Applying is idempotent (what exists as declared is left
 * alone) and all-or-nothing in effect: every declaration is checked against the current state
 * first, and one conflict (different attributes or tags, fewer partitions, different configs)
 * fails startup before anything is created.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { SqsModule } from '../sqs/index.js';
import { SqsError, type RequestContext } from '../sqs/index.js';
import type { KafkaAdmin } from '../../../kafka-shim/src/index.js';

export interface QueueDeclaration {
  name: string;
  /** Attribute values as SQS takes them (strings; RedrivePolicy given as an object is JSON). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** file:line:col of the declaration, for messages. */
  at: string;
}

export interface TopicDeclaration {
  name: string;
  /** undefined: the broker default (kafka.defaultPartitions). */
  partitions: number | undefined;
  configs: Record<string, string>;
  at: string;
}

export interface Declarations {
  queues: QueueDeclaration[];
  topics: TopicDeclaration[];
}

export class DeclarationError extends Error {}

/** Where a node sits: `file:line:col`. */
export type Locate = (node: Node | Pair | null | undefined) => string;

function scalarText(node: unknown, at: string, key: string): string {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) return String(node.value);
  throw new DeclarationError(`${at}: ${key} must be a string, number or boolean`);
}

function stringMap(node: unknown, locate: Locate, key: string): Record<string, string> {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) throw new DeclarationError(`${locate(node as Node)}: ${key} must be a mapping`);
  const out: Record<string, string> = {};
  for (const pair of node.items) {
    const k = scalarText(pair.key, locate(pair.key as Node), `a key of ${key}`);
    out[k] = scalarText(pair.value, locate((pair.value ?? pair.key) as Node), `${key}.${k}`);
  }
  return out;
}

/** The entries of `section.list`, each a mapping whose keys are among `allowed`. */
function entries(node: unknown, locate: Locate, key: string, allowed: string[]): Map<string, unknown>[] {
  if (!isSeq(node)) throw new DeclarationError(`${locate(node as Node)}: ${key} must be a list`);
  return node.items.map((item, i) => {
    if (!isMap(item)) throw new DeclarationError(`${locate(item as Node)}: ${key}[${i}] must be a mapping`);
    const m = new Map<string, unknown>();
    for (const pair of item.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(k)) throw new DeclarationError(`${locate(pair.key as Node)}: unknown key "${key}[${i}].${k}" (one of ${allowed.join(', ')})`);
      m.set(k, pair.value);
    }
    if (!m.has('name')) throw new DeclarationError(`${locate(item)}: ${key}[${i}] has no name`);
    m.set('@', item);
    return m;
  });
}

export function readQueues(node: unknown, locate: Locate, region: string, account: string): QueueDeclaration[] {
  const seen = new Set<string>();
  return entries(node, locate, 'sqs.queues', ['name', 'attributes', 'tags']).map((e, i) => {
    const at = locate(e.get('@') as Node);
    const name = scalarText(e.get('name'), at, `sqs.queues[${i}].name`);
    if (seen.has(name)) throw new DeclarationError(`${at}: sqs.queues[${i}]: queue "${name}" is declared twice`);
    seen.add(name);
    const attrsNode = e.get('attributes');
    const attributes: Record<string, string> = {};
    if (attrsNode !== undefined && !(isScalar(attrsNode) && attrsNode.value === null)) {
      if (!isMap(attrsNode)) throw new DeclarationError(`${locate(attrsNode as Node)}: sqs.queues[${i}].attributes must be a mapping`);
      for (const pair of attrsNode.items) {
        const k = scalarText(pair.key, locate(pair.key as Node), `an attribute name of sqs.queues[${i}]`);
        const where = locate((pair.value ?? pair.key) as Node);
        // Policies may be written as mappings; SQS takes them as JSON text.
        attributes[k] = isMap(pair.value)
          ? JSON.stringify(policy(k, pair.value.toJSON() as Record<string, unknown>, region, account))
          : k === 'RedrivePolicy' || k === 'RedriveAllowPolicy'
            ? JSON.stringify(policy(k, parseJson(scalarText(pair.value, where, k), where, `sqs.queues[${i}].attributes.${k}`), region, account))
            : scalarText(pair.value, where, `sqs.queues[${i}].attributes.${k}`);
      }
    }
    return { name, attributes, tags: stringMap(e.get('tags'), locate, `sqs.queues[${i}].tags`), at };
  });
}

function parseJson(text: string, at: string, key: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DeclarationError(`${at}: ${key} must be a mapping or a JSON object`);
}

/** A queue name where SQS wants an ARN: the ARN of that queue in the default region and account. */
const arnOf = (v: unknown, region: string, account: string): unknown =>
  typeof v === 'string' && !v.startsWith('arn:') ? `arn:aws:sqs:${region}:${account}:${v}` : v;

function policy(attr: string, p: Record<string, unknown>, region: string, account: string): Record<string, unknown> {
  const out = { ...p };
  if (attr === 'RedrivePolicy' && 'deadLetterTargetArn' in out) out.deadLetterTargetArn = arnOf(out.deadLetterTargetArn, region, account);
  if (attr === 'RedriveAllowPolicy' && Array.isArray(out.sourceQueueArns)) out.sourceQueueArns = out.sourceQueueArns.map((v) => arnOf(v, region, account));
  return out;
}

export function readTopics(node: unknown, locate: Locate): TopicDeclaration[] {
  const seen = new Set<string>();
  return entries(node, locate, 'kafka.topics', ['name', 'partitions', 'configs']).map((e, i) => {
    const at = locate(e.get('@') as Node);
    const name = scalarText(e.get('name'), at, `kafka.topics[${i}].name`);
    if (seen.has(name)) throw new DeclarationError(`${at}: kafka.topics[${i}]: topic "${name}" is declared twice`);
    seen.add(name);
    const p = e.get('partitions');
    let partitions: number | undefined;
    if (p !== undefined) {
      if (!isScalar(p) || typeof p.value !== 'number' || !Number.isInteger(p.value) || p.value < 1) {
        throw new DeclarationError(`${locate(p as Node)}: kafka.topics[${i}].partitions must be a positive integer`);
      }
      partitions = p.value;
    }
    return { name, partitions, configs: stringMap(e.get('configs'), locate, `kafka.topics[${i}].configs`), at };
  });
}

interface Plan {
  apply: (() => Promise<void>)[];
  conflicts: string[];
}

/**
 * Check every declaration against the engines' current state, then, only if nothing conflicts,
 * create what is missing. Answers what was created (for the log).
 */
export async function applyDeclarations(
  decl: Declarations,
  file: string,
  sqs: SqsModule,
  kafka: KafkaAdmin,
  ctx: RequestContext,
  defaultPartitions: number,
  /** A throw-away SQS engine (in memory) on which new queues are tried first, so that an invalid one fails startup before any is created. */
  scratch: () => Promise<SqsModule>,
): Promise<{ queuesCreated: string[]; topicsCreated: string[]; partitionsAdded: string[]; tagsAdded: string[] }> {
  const plan: Plan = { apply: [], conflicts: [] };
  const done = { queuesCreated: [] as string[], topicsCreated: [] as string[], partitionsAdded: [] as string[], tagsAdded: [] as string[] };
  await planQueues(decl.queues, sqs, ctx, plan, done, scratch);
  await planTopics(decl.topics, kafka, defaultPartitions, plan, done);
  if (plan.conflicts.length > 0) {
    throw new DeclarationError(`config file ${file}: ${plan.conflicts.length} declaration(s) conflict with existing state; nothing was changed:\n  ${plan.conflicts.join('\n  ')}`);
  }
  for (const step of plan.apply) await step();
  return done;
}

const sqsMessage = (e: unknown): string => (e instanceof SqsError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e));

async function planQueues(
  queues: QueueDeclaration[],
  sqs: SqsModule,
  ctx: RequestContext,
  plan: Plan,
  done: { queuesCreated: string[]; tagsAdded: string[] },
  scratch: () => Promise<SqsModule>,
): Promise<void> {
  const existing = new Set<string>();
  for (const q of queues) {
    try {
      await sqs.api.call('GetQueueUrl', { QueueName: q.name }, ctx);
      existing.add(q.name);
    } catch (e) {
      if (!(e instanceof SqsError && e.code === 'QueueDoesNotExist')) throw e;
    }
  }
  // A queue that exists: CreateQueue with the same name is SQS's own comparison (it answers
  // QueueNameExists naming the attribute that differs) and changes nothing.
  for (const q of queues.filter((x) => existing.has(x.name))) {
    try {
      const QueueUrl = (await sqs.api.call('CreateQueue', { QueueName: q.name, Attributes: q.attributes }, ctx)).QueueUrl ?? '';
      const { Tags = {} } = await sqs.api.call('ListQueueTags', { QueueUrl }, ctx);
      const differ = Object.entries(q.tags).filter(([k, v]) => Tags[k] !== undefined && Tags[k] !== v);
      for (const [k, v] of differ) plan.conflicts.push(`${q.at}: queue "${q.name}" has tag ${k}=${JSON.stringify(Tags[k])}, declared ${JSON.stringify(v)}`);
      const missing = Object.fromEntries(Object.entries(q.tags).filter(([k]) => Tags[k] === undefined));
      if (differ.length === 0 && Object.keys(missing).length > 0) {
        plan.apply.push(async () => {
          await sqs.api.call('TagQueue', { QueueUrl, Tags: missing }, ctx);
          done.tagsAdded.push(q.name);
        });
      }
    } catch (e) {
      plan.conflicts.push(`${q.at}: queue "${q.name}" exists and differs: ${sqsMessage(e)}`);
    }
  }
  // New queues: created dead-letter targets first, so a RedrivePolicy may name a queue declared after it.
  const fresh = queues.filter((x) => !existing.has(x.name));
  const freshNames = new Set(fresh.map((x) => x.name));
  const target = (q: QueueDeclaration): string | undefined => {
    const rp = q.attributes.RedrivePolicy;
    if (!rp) return undefined;
    const arn = (JSON.parse(rp) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    const name = typeof arn === 'string' ? arn.slice(arn.lastIndexOf(':') + 1) : undefined;
    return name !== undefined && freshNames.has(name) && name !== q.name ? name : undefined;
  };
  const ordered: QueueDeclaration[] = [];
  const visit = (q: QueueDeclaration, path: Set<string>): void => {
    if (ordered.includes(q)) return;
    if (path.has(q.name)) {
      plan.conflicts.push(`${q.at}: queue "${q.name}": its RedrivePolicy chain leads back to itself`);
      return;
    }
    path.add(q.name);
    const t = target(q);
    if (t) visit(fresh.find((x) => x.name === t)!, path);
    path.delete(q.name);
    if (!ordered.includes(q)) ordered.push(q);
  };
  for (const q of fresh) visit(q, new Set());
  if (ordered.length > 0) await tryOn(await scratch(), ordered, existing, ctx, plan);
  for (const q of ordered) {
    plan.apply.push(async () => {
      try {
        await sqs.api.call('CreateQueue', { QueueName: q.name, Attributes: q.attributes, tags: q.tags }, ctx);
      } catch (e) {
        throw new DeclarationError(`${q.at}: queue "${q.name}" could not be created: ${sqsMessage(e)}`);
      }
      done.queuesCreated.push(q.name);
    });
  }
}

async function planTopics(
  topics: TopicDeclaration[],
  kafka: KafkaAdmin,
  defaultPartitions: number,
  plan: Plan,
  done: { topicsCreated: string[]; partitionsAdded: string[] },
): Promise<void> {
  for (const t of topics) {
    const have = kafka.topic(t.name);
    const want = t.partitions ?? defaultPartitions;
    if (!have) {
      try {
        await kafka.createTopic(t.name, want, t.configs, true);
      } catch (e) {
        plan.conflicts.push(`${t.at}: topic "${t.name}" cannot be created: ${(e as Error).message}`);
        continue;
      }
      plan.apply.push(async () => {
        await kafka.createTopic(t.name, want, t.configs, false);
        done.topicsCreated.push(t.name);
      });
      continue;
    }
    const count = have.partitions.length;
    if (t.partitions !== undefined && t.partitions < count) {
      plan.conflicts.push(`${t.at}: topic "${t.name}" has ${count} partitions, declared ${t.partitions} (partitions cannot be removed)`);
    }
    for (const [k, v] of Object.entries(t.configs)) {
      if (have.effective[k] !== v) plan.conflicts.push(`${t.at}: topic "${t.name}" has ${k}=${JSON.stringify(have.effective[k] ?? null)}, declared ${JSON.stringify(v)}`);
    }
    if (t.partitions !== undefined && t.partitions > count) {
      try {
        await kafka.createPartitions(t.name, t.partitions, true);
      } catch (e) {
        plan.conflicts.push(`${t.at}: topic "${t.name}": ${(e as Error).message}`);
        continue;
      }
      const n = t.partitions;
      plan.apply.push(async () => {
        await kafka.createPartitions(t.name, n, false);
        done.partitionsAdded.push(t.name);
      });
    }
  }
}

/**
 * Create the new queues on a scratch engine, after stand-ins for the existing queues they name as
 * dead-letter targets: what fails there (a bad attribute, a missing or mismatched DLQ) is a conflict.
 */
async function tryOn(scratch: SqsModule, ordered: QueueDeclaration[], existing: Set<string>, ctx: RequestContext, plan: Plan): Promise<void> {
  try {
    for (const q of ordered) {
      const rp = q.attributes.RedrivePolicy;
      const arn = rp ? (JSON.parse(rp) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn : undefined;
      const name = typeof arn === 'string' ? arn.slice(arn.lastIndexOf(':') + 1) : '';
      if (existing.has(name)) await scratch.api.call('CreateQueue', { QueueName: name, Attributes: name.endsWith('.fifo') ? { FifoQueue: 'true' } : {} }, ctx).catch(() => undefined);
    }
    for (const q of ordered) {
      try {
        await scratch.api.call('CreateQueue', { QueueName: q.name, Attributes: q.attributes, tags: q.tags }, ctx);
      } catch (e) {
        plan.conflicts.push(`${q.at}: queue "${q.name}" cannot be created: ${sqsMessage(e)}`);
      }
    }
  } finally {
    await scratch.close();
  }
}
