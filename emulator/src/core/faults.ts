/**
 * Fault injection for users testing their retry logic (in the spirit of franz-go kfake's
 * ControlKey, driven over the admin API and the CLI instead of from Go code): rules that match an
 * SQS action or a Kafka request and, for the next N matches or until a time on the injectable
 * clock, answer with the real service's error, add latency, close the connection before the
 * request runs, or run it and then drop its response (the write happened, the client retries it).
 *
 * One port for both engines: core holds the rules and does the matching and counting; each engine
 * describes its request at its own dispatch point and renders the chosen effect in its protocol
 * (SQS: protocol/handler.ts; Kafka: server/connection.ts). Engines declare the error names they
 * can render, so a rule naming an error its engine cannot send is refused when it is added.
 *
 * Free when unused: `active` is null unless a live rule exists, and that one null check is all a
 * request pays.
 */
import type { Clock } from './clock.js';

export type FaultEngine = 'sqs' | 'kafka';

/** A rule as a user writes it (POST /_tandem/faults, `tandem faults add`). */
export interface FaultSpec {
  engine: FaultEngine;
  /** SQS: the action (SendMessage). */
  action?: string;
  /** SQS: the queue name. */
  queue?: string;
  /** Kafka: the API name (Produce) or key (0). */
  api?: string | number;
  /** Kafka: a topic the request names. */
  topic?: string;
  /** Kafka: a partition the request names (of `topic` when given). */
  partition?: number;
  /** Kafka: the request header's client id. */
  clientId?: string;
  /** Answer with this error of the engine (SQS: ThrottlingException...; Kafka: NOT_LEADER_OR_FOLLOWER or a code). */
  error?: string;
  /** Hold the request this long (clock ms) before it runs (or before the error is sent). */
  latencyMs?: number;
  /** Close the connection instead of running the request. */
  disconnect?: boolean;
  /** Run the request (the write happens), then close the connection instead of answering. */
  dropResponse?: boolean;
  /** Apply to this many matching requests, then stop; absent: no limit. */
  times?: number;
  /** Apply for this long (clock ms) from now; absent: no limit. */
  forMs?: number;
}

/** What a rule does to one request; the engine renders it. */
export interface FaultEffect {
  readonly rule: string;
  readonly error?: string;
  readonly latencyMs?: number;
  readonly disconnect?: boolean;
  readonly dropResponse?: boolean;
}

/** A request as an engine describes it for matching. */
export interface FaultRequest {
  /** SQS action or Kafka API name. */
  readonly action: string;
  /** Kafka API key. */
  readonly key?: number;
  /** Queue or topic names the request touches. */
  readonly names: readonly string[];
  /** Kafka: [topic, partition] pairs the request touches. */
  readonly partitions?: readonly (readonly [string, number])[];
  readonly clientId?: string | null;
}

export interface FaultRuleView extends FaultSpec {
  id: string;
  hits: number;
  /** Matches left (with `times`). */
  remaining: number | null;
  /** Clock time the rule stops applying (with `forMs`). */
  expiresAt: number | null;
  /** False once used up or expired (kept in the list so its hits can be read). */
  active: boolean;
}

/** What an engine can render: the error names a rule may use. */
export interface FaultRenderer {
  /** The canonical name of `error` if the engine can send it, else undefined. */
  error(name: string): string | undefined;
  /** For messages: the names a user may pick from. */
  readonly errors: readonly string[];
}

export class FaultSpecError extends Error {}

interface Rule {
  view: FaultRuleView;
  effect: FaultEffect;
}

const SPEC_KEYS = new Set(['engine', 'action', 'queue', 'api', 'topic', 'partition', 'clientId', 'error', 'latencyMs', 'disconnect', 'dropResponse', 'times', 'forMs']);

export class Faults {
  /** The live rules of each engine, or null when none: the only thing the hot paths read. */
  sqs: Rule[] | null = null;
  kafka: Rule[] | null = null;
  private rules: Rule[] = [];
  private nextId = 1;
  private readonly renderers = new Map<FaultEngine, FaultRenderer>();

  constructor(private readonly clock: Clock) {}

  /** Called by each engine at startup: the errors it renders. */
  declare(engine: FaultEngine, renderer: FaultRenderer): void {
    this.renderers.set(engine, renderer);
  }

  /** Validate and add a rule; answers its view. Throws FaultSpecError. */
  add(input: unknown): FaultRuleView {
    const spec = this.validate(input);
    const id = `f${this.nextId++}`;
    const now = this.clock.now();
    const view: FaultRuleView = {
      ...spec,
      id,
      hits: 0,
      remaining: spec.times ?? null,
      expiresAt: spec.forMs === undefined ? null : now + spec.forMs,
      active: true,
    };
    const effect: FaultEffect = { rule: id, error: spec.error, latencyMs: spec.latencyMs, disconnect: spec.disconnect, dropResponse: spec.dropResponse };
    this.rules.push({ view, effect });
    this.refresh();
    return { ...view };
  }

  list(): FaultRuleView[] {
    this.expire();
    return this.rules.map((r) => ({ ...r.view }));
  }

  /** Remove one rule (by id) or all; answers how many went. */
  clear(id?: string): number {
    const before = this.rules.length;
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.view.id !== id);
    this.refresh();
    return before - this.rules.length;
  }

  /**
   * The effect for one request, counting the hit, or undefined. Called only when the engine's
   * list is non-null; the first live rule that matches wins.
   */
  take(engine: FaultEngine, req: FaultRequest): FaultEffect | undefined {
    const live = engine === 'sqs' ? this.sqs : this.kafka;
    if (live === null) return undefined;
    const now = this.clock.now();
    let changed = false;
    let effect: FaultEffect | undefined;
    for (const rule of live) {
      const v = rule.view;
      if (!v.active) continue;
      if (v.expiresAt !== null && now >= v.expiresAt) {
        v.active = false;
        changed = true;
        continue;
      }
      if (!matches(v, req)) continue;
      v.hits++;
      if (v.remaining !== null && --v.remaining <= 0) {
        v.active = false;
        changed = true;
      }
      effect = rule.effect;
      break;
    }
    if (changed) this.refresh();
    return effect;
  }

  private expire(): void {
    const now = this.clock.now();
    for (const r of this.rules) if (r.view.expiresAt !== null && now >= r.view.expiresAt) r.view.active = false;
    this.refresh();
  }

  private refresh(): void {
    const live = (e: FaultEngine) => {
      const l = this.rules.filter((r) => r.view.active && r.view.engine === e);
      return l.length > 0 ? l : null;
    };
    this.sqs = live('sqs');
    this.kafka = live('kafka');
  }

  private validate(input: unknown): FaultSpec {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultSpecError('a rule is a JSON object');
    const o = input as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!SPEC_KEYS.has(k)) throw new FaultSpecError(`unknown key "${k}" (keys: ${[...SPEC_KEYS].join(', ')})`);
    const engine = o.engine;
    if (engine !== 'sqs' && engine !== 'kafka') throw new FaultSpecError('engine must be "sqs" or "kafka"');
    const str = (k: string): string | undefined => {
      if (o[k] === undefined) return undefined;
      if (typeof o[k] !== 'string' || o[k] === '') throw new FaultSpecError(`${k} must be a non-empty string`);
      return o[k] as string;
    };
    const int = (k: string, min: number): number | undefined => {
      if (o[k] === undefined) return undefined;
      const n = o[k];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw new FaultSpecError(`${k} must be an integer >= ${min}`);
      return n;
    };
    const bool = (k: string): boolean | undefined => {
      if (o[k] === undefined) return undefined;
      if (typeof o[k] !== 'boolean') throw new FaultSpecError(`${k} must be true or false`);
      return (o[k] as boolean) || undefined;
    };
    const sqsOnly = ['action', 'queue'];
    const kafkaOnly = ['api', 'topic', 'partition', 'clientId'];
    for (const k of engine === 'sqs' ? kafkaOnly : sqsOnly) if (o[k] !== undefined) throw new FaultSpecError(`${k} does not apply to ${engine} rules`);
    const api = o.api;
    if (api !== undefined && typeof api !== 'string' && !(typeof api === 'number' && Number.isInteger(api) && api >= 0)) throw new FaultSpecError('api must be an API name or key');
    const spec: FaultSpec = {
      engine,
      action: str('action'),
      queue: str('queue'),
      api: api as string | number | undefined,
      topic: str('topic'),
      partition: int('partition', 0),
      clientId: str('clientId'),
      error: str('error'),
      latencyMs: int('latencyMs', 0),
      disconnect: bool('disconnect'),
      dropResponse: bool('dropResponse'),
      times: int('times', 1),
      forMs: int('forMs', 1),
    };
    const effects = [spec.error !== undefined, !!spec.disconnect, !!spec.dropResponse].filter(Boolean).length;
    if (effects > 1) throw new FaultSpecError('a rule has at most one of error, disconnect, dropResponse (latencyMs combines with any)');
    if (effects === 0 && !spec.latencyMs) throw new FaultSpecError('a rule needs an effect: error, latencyMs, disconnect or dropResponse');
    if (spec.error !== undefined) {
      const renderer = this.renderers.get(engine);
      const name = renderer?.error(spec.error);
      if (name === undefined) throw new FaultSpecError(`${engine} has no error "${spec.error}"${renderer ? ` (one of: ${renderer.errors.join(', ')})` : ''}`);
      spec.error = name;
    }
    return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as FaultSpec;
  }
}

function matches(v: FaultRuleView, req: FaultRequest): boolean {
  const action = v.engine === 'sqs' ? v.action : v.api;
  if (action !== undefined && String(action) !== String(req.key) && String(action).toLowerCase() !== req.action.toLowerCase()) return false;
  const name = v.engine === 'sqs' ? v.queue : v.topic;
  if (name !== undefined && !req.names.includes(name)) return false;
  if (v.partition !== undefined && !(req.partitions ?? []).some(([t, p]) => p === v.partition && (name === undefined || t === name))) return false;
  if (v.clientId !== undefined && v.clientId !== req.clientId) return false;
  return true;
}
