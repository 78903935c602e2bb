/**
 * SQS semantics entry point: the operation -> handler table, startup (restore from LevelDB, re-arm
 * timers) and shutdown. Free of HTTP: the protocol layer calls `call` with AWS-JSON-shaped objects.
 */
import type { Core } from '../../core/core.js';
import type { SqsConfig } from '../config.js';
import { loadState } from '../storage/load.js';
import { attemptRange, delDedup, delMessage, delQueue, delTombstone, dedupRange, messageRange } from '../storage/records.js';
import { SqsError, type Inputs, type OperationName, type Outputs, type RequestContext, type SqsApi } from './api.js';
import { SqsInspect } from './inspect.js';
import { MessageOps } from './message-ops.js';
import { Queue } from './queue.js';
import { QueueOps } from './queue-ops.js';
import { MoveTasks } from './redrive.js';
import { SqsState } from './state.js';

/** One handler per operation of the model, each answering its operation's output: the compiler checks both. */
type Handlers = { readonly [K in OperationName]: (input: Inputs[K], ctx: RequestContext) => Promise<Outputs[K]> };

export class SqsService implements SqsApi {
  private readonly state: SqsState;
  private readonly moveTasks: MoveTasks;
  private readonly messageOps: MessageOps;
  private readonly handlers: Handlers;
  /** Read access (and send/purge through `call`) for the web console. */
  readonly inspect: SqsInspect;

  constructor(core: Core, config: SqsConfig) {
    this.state = new SqsState(core, config);
    this.moveTasks = new MoveTasks(this.state);
    const q = new QueueOps(this.state);
    const m = (this.messageOps = new MessageOps(this.state));
    const t = this.moveTasks;
    this.inspect = new SqsInspect(this.state, this);
    this.handlers = {
      AddPermission: (i, c) => q.addPermission(i, c),
      CancelMessageMoveTask: (i) => t.cancel(i),
      ChangeMessageVisibility: (i, c) => m.changeVisibility(i, c),
      ChangeMessageVisibilityBatch: (i, c) => m.changeVisibilityBatch(i, c),
      CreateQueue: (i, c) => q.create(i, c),
      DeleteMessage: (i, c) => m.delete(i, c),
      DeleteMessageBatch: (i, c) => m.deleteBatch(i, c),
      DeleteQueue: (i, c) => q.delete(i, c),
      GetQueueAttributes: (i, c) => q.getAttributes(i, c),
      GetQueueUrl: (i, c) => q.getUrl(i, c),
      ListDeadLetterSourceQueues: (i, c) => q.listDeadLetterSources(i, c),
      ListMessageMoveTasks: (i) => t.list(i),
      ListQueueTags: (i, c) => q.listTags(i, c),
      ListQueues: (i, c) => q.list(i, c),
      PurgeQueue: (i, c) => q.purge(i, c),
      ReceiveMessage: (i, c) => m.receive(i, c),
      RemovePermission: (i, c) => q.removePermission(i, c),
      SendMessage: (i, c) => m.send(i, c),
      SendMessageBatch: (i, c) => m.sendBatch(i, c),
      SetQueueAttributes: (i, c) => q.setAttributes(i, c),
      StartMessageMoveTask: (i) => t.start(i),
      TagQueue: (i, c) => q.tag(i, c),
      UntagQueue: (i, c) => q.untag(i, c),
    };
  }

  /** Restore queues, messages (with their visibility and delay deadlines), dedup windows, tombstones and move tasks. */
  async load(): Promise<void> {
    const s = this.state;
    const now = s.core.clock.now();
    const loaded = await loadState(s.core.store);
    const ops = s.begin();
    const sids = new Set<string>();
    const ids = new Set<string>();
    for (const record of loaded.queues) {
      // Queues stored before the dedup scope was kept: the scope they have now is the one they keep
      // (written with the record's next change).
      if (record.name.endsWith('.fifo')) record.dedupScope ??= record.attrs.DeduplicationScope;
      const q = new Queue(s, record);
      s.registry.add(q);
      sids.add(record.sid);
      ids.add(record.id);
      for (const m of loaded.messages.get(record.sid) ?? []) {
        s.noteSequenceNumber(m.sequenceNumber);
        if (q.expired(m, now)) ops.push(...delMessage(record.sid, m.seq));
        else q.insert(m);
      }
      const entries = (loaded.dedup.get(record.id) ?? []).sort((a, b) => a.record.expiresAt - b.record.expiresAt);
      for (const { key, record: d } of entries) {
        s.noteSequenceNumber(d.sequenceNumber);
        if (d.expiresAt <= now || !q.dedup) ops.push(delDedup(record.id, key));
        else q.dedup.restore(key, d);
      }
      this.messageOps.attempts.restore(q, loaded.attempts.get(record.id) ?? [], ops);
    }
    // Storage left behind by a purge or DeleteQueue that did not finish clearing it.
    for (const sid of loaded.messages.keys()) if (!sids.has(sid)) ops.delRange(messageRange(sid));
    for (const id of loaded.dedup.keys()) if (!ids.has(id)) ops.delRange(dedupRange(id));
    for (const id of loaded.attempts.keys()) if (!ids.has(id)) ops.delRange(attemptRange(id));
    for (const t of loaded.tombstones) {
      const until = t.record.deletedAt + 60_000;
      if (until > now && !s.config.relaxedTimers) s.registry.setTombstone(t.region, t.account, t.name, until);
      else ops.push(delTombstone(t.region, t.account, t.name));
    }
    this.moveTasks.restore(loaded.moveTasks);
    await ops.commit();
    s.log.info('sqs.loaded', { queues: loaded.queues.length, messages: [...s.registry.all()].reduce((n, q) => n + q.messages.size, 0) });
  }

  /** Stop timers and answer waiting receives; pending writes are flushed by the store's own close. */
  async close(): Promise<void> {
    this.state.polls.releaseAll();
    this.moveTasks.shutdown();
    for (const q of this.state.registry.all()) q.shutdown();
  }

  /**
   * Forget every queue with its messages, dedup windows and tombstones, in one unit of work (a
   * test suite's reset between tests: no 60 s recreate cooldown follows). Answers how many went.
   */
  async reset(): Promise<number> {
    const s = this.state;
    const queues = [...s.registry.all()];
    const ops = s.begin();
    for (const q of queues) {
      const r = q.record;
      ops.push(delQueue(r));
      ops.delRange(messageRange(r.sid)).delRange(dedupRange(r.id)).delRange(attemptRange(r.id));
      ops.push(delTombstone(r.region, r.account, r.name));
    }
    for (const t of s.registry.tombstoneScopes()) ops.push(delTombstone(t.region, t.account, t.name));
    await ops.commit();
    for (const q of queues) {
      if (s.registry.get(q.record.region, q.record.account, q.record.name) !== q) continue;
      s.registry.remove(q);
      q.deleted = true;
      q.shutdown();
      s.polls.release(q);
    }
    s.registry.clearTombstones();
    s.log.info('sqs.reset', { queues: queues.length });
    return queues.length;
  }

  call<Op extends OperationName>(op: Op, input: Inputs[Op], ctx: RequestContext): Promise<Outputs[Op]> {
    // The table is complete by type; the run-time check guards callers that bypass the types.
    const h: Handlers[Op] | undefined = Object.prototype.hasOwnProperty.call(this.handlers, op) ? this.handlers[op] : undefined;
    if (!h) return Promise.reject(new SqsError('UnsupportedOperation', `${String(op)} is not supported.`));
    try {
      return h(input, ctx);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
