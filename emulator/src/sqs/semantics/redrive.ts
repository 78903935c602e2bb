/**
 * Dead-letter queues: the RedrivePolicy target rules (existence, same queue type, the target's
 * RedriveAllowPolicy), and message move tasks (Start/Cancel/ListMessageMoveTasks), which persist
 * their progress and resume after a restart.
 */
import type { Timer } from '../../core/clock.js';
import type { UnitOfWork } from '../../core/storage/unit-of-work.js';
import { delMoveTask, putMoveTask, type MoveTaskRecord } from '../storage/records.js';
import type * as T from '../model/generated.js';
import { SqsError } from './api.js';
import { invalidParameter, optionalInt } from './errors.js';
import type { Queue } from './queue.js';
import type { SqsState } from './state.js';

/** Throws unless `sourceArn` may dead-letter into the policy's target. */
export function checkRedriveTarget(s: SqsState, sourceArn: string, sourceFifo: boolean, policy: string): void {
  const { deadLetterTargetArn } = JSON.parse(policy) as { deadLetterTargetArn: string };
  const dlq = s.byArn(deadLetterTargetArn);
  if (!dlq) throw invalidParameter('RedrivePolicy', policy, 'Dead letter target does not exist.');
  if (dlq.fifo !== sourceFifo) throw invalidParameter('RedrivePolicy', policy, 'Dead-letter queue must be same type of queue as the source.');
  const allow = dlq.record.attrs.RedriveAllowPolicy;
  if (!allow) return;
  const p = JSON.parse(allow) as { redrivePermission: string; sourceQueueArns?: string[] };
  const permitted = p.redrivePermission === 'allowAll' || (p.redrivePermission === 'byQueue' && (p.sourceQueueArns ?? []).includes(sourceArn));
  if (!permitted) {
    throw invalidParameter('RedrivePolicy', policy, `Queue ${sourceArn} is not allowed to use ${deadLetterTargetArn} as a dead-letter queue.`);
  }
}

/** Messages moved per step when the task has no rate: large enough to move fast, small enough to stay responsive. */
const UNPACED_STEP = 500;
const KEPT_PER_SOURCE = 10;

interface Task {
  record: MoveTaskRecord;
  timer?: Timer;
}

const handleOf = (r: MoveTaskRecord): string => Buffer.from(JSON.stringify({ taskId: r.taskId, sourceArn: r.sourceArn })).toString('base64');

export class MoveTasks {
  private readonly tasks = new Map<string, Task>();
  private closed = false;

  constructor(private readonly s: SqsState) {}

  /** Re-enter tasks read at load; running ones continue where they stopped. */
  restore(records: MoveTaskRecord[]): void {
    for (const record of records.sort((a, b) => a.startedAt - b.startedAt)) {
      const t: Task = { record };
      this.tasks.set(record.taskId, t);
      if (record.status === 'RUNNING') this.schedule(t, this.s.core.clock.now());
    }
  }

  shutdown(): void {
    this.closed = true;
    for (const t of this.tasks.values()) this.s.core.clock.cancel(t.timer);
  }

  private isDeadLetterQueue(q: Queue): boolean {
    for (const src of this.s.registry.all()) if (src.deadLetterTargetArn === q.arn) return true;
    return false;
  }

  async start(input: T.StartMessageMoveTaskRequest): Promise<T.StartMessageMoveTaskResult> {
    const source = this.s.byArn(input.SourceArn);
    if (!source) throw new SqsError('ResourceNotFoundException', "The resource that you specified for the SourceArn parameter doesn't exist.");
    if (input.DestinationArn !== undefined && !this.s.byArn(input.DestinationArn)) {
      throw new SqsError('ResourceNotFoundException', "The resource that you specified for the DestinationArn parameter doesn't exist.");
    }
    const rate = optionalInt('MaxNumberOfMessagesPerSecond', input.MaxNumberOfMessagesPerSecond, 1, 500, 'Must be between 1 and 500.');
    if (!this.isDeadLetterQueue(source)) throw new SqsError('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
    for (const t of this.tasks.values()) {
      if (t.record.sourceArn === source.arn && t.record.status === 'RUNNING') {
        throw new SqsError('InvalidParameterValue', 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
      }
    }
    const record: MoveTaskRecord = {
      taskId: this.s.newId() + this.s.newId(),
      sourceArn: source.arn,
      destinationArn: input.DestinationArn,
      maxPerSecond: rate,
      status: 'RUNNING',
      moved: 0,
      toMove: source.counts.ready,
      startedAt: this.s.core.clock.now(),
    };
    const t: Task = { record };
    // Entered at once so that a second start for the same source is refused; a failed write removes it.
    this.tasks.set(record.taskId, t);
    const ops = this.s.begin();
    ops.push(putMoveTask(record));
    this.prune(source.arn, ops);
    ops.onRollback(() => this.tasks.delete(record.taskId));
    ops.onCommit(() => this.schedule(t, this.s.core.clock.now()));
    await ops.commit();
    return { TaskHandle: handleOf(record) };
  }

  async cancel(input: T.CancelMessageMoveTaskRequest): Promise<T.CancelMessageMoveTaskResult> {
    // A handle is base64 JSON {taskId, sourceArn}: one that is not is invalid; one naming a source
    // that does not exist, or a task that does not, is not found (AWS's order and texts).
    let doc: { taskId?: unknown; sourceArn?: unknown } | undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(String(input.TaskHandle), 'base64').toString('utf8'));
      if (parsed && typeof parsed === 'object') doc = parsed as typeof doc;
    } catch {
      doc = undefined;
    }
    if (!doc || typeof doc.taskId !== 'string' || typeof doc.sourceArn !== 'string') {
      throw new SqsError('InvalidParameterValue', 'Value for parameter TaskHandle is invalid.');
    }
    if (!this.s.byArn(doc.sourceArn)) throw new SqsError('ResourceNotFoundException', "The resource that you specified for the SourceArn parameter doesn't exist.");
    const t = this.tasks.get(doc.taskId);
    if (!t || t.record.sourceArn !== doc.sourceArn) throw new SqsError('ResourceNotFoundException', 'Task does not exist.');
    if (t.record.status !== 'RUNNING') throw new SqsError('UnsupportedOperation', 'Only active tasks can be cancelled.');
    const ops = this.s.begin();
    ops.push(putMoveTask({ ...t.record, status: 'CANCELLED' }));
    ops.onCommit(() => {
      this.s.core.clock.cancel(t.timer);
      t.timer = undefined;
      t.record.status = 'CANCELLED';
    });
    await ops.commit();
    return { ApproximateNumberOfMessagesMoved: t.record.moved };
  }

  async list(input: T.ListMessageMoveTasksRequest): Promise<T.ListMessageMoveTasksResult> {
    const source = this.s.byArn(input.SourceArn);
    if (!source) throw new SqsError('ResourceNotFoundException', "The resource that you specified for the SourceArn parameter doesn't exist.");
    const max = optionalInt('MaxResults', input.MaxResults, 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const mine = [...this.tasks.values()].filter((t) => t.record.sourceArn === source.arn).reverse().slice(0, max);
    return {
      Results: mine.map(({ record: r }) => {
        const out: T.ListMessageMoveTasksResultEntry = { Status: r.status, SourceArn: r.sourceArn };
        if (r.status === 'RUNNING') out.TaskHandle = handleOf(r);
        if (r.destinationArn) out.DestinationArn = r.destinationArn;
        if (r.maxPerSecond) out.MaxNumberOfMessagesPerSecond = r.maxPerSecond;
        out.ApproximateNumberOfMessagesMoved = r.moved;
        out.ApproximateNumberOfMessagesToMove = r.toMove;
        if (r.failureReason) out.FailureReason = r.failureReason;
        out.StartedTimestamp = r.startedAt;
        return out;
      }),
    };
  }

  /** Keep only the newest finished tasks of a source. */
  private prune(sourceArn: string, ops: UnitOfWork): void {
    const mine = [...this.tasks.values()].filter((t) => t.record.sourceArn === sourceArn);
    for (const t of mine.slice(0, Math.max(0, mine.length - KEPT_PER_SOURCE))) {
      if (t.record.status === 'RUNNING') continue;
      this.tasks.delete(t.record.taskId);
      ops.push(delMoveTask(t.record.taskId));
    }
  }

  private schedule(t: Task, at: number): void {
    // A step finishing its write after shutdown must not start another.
    if (this.closed) return;
    t.timer = this.s.core.clock.at(at, () => {
      t.timer = undefined;
      void this.step(t);
    });
  }

  /** Move one second's worth (or one unpaced chunk) of messages, persist progress, schedule the next. */
  private async step(t: Task): Promise<void> {
    const r = t.record;
    if (r.status !== 'RUNNING') return;
    const source = this.s.byArn(r.sourceArn);
    const fixedDest = r.destinationArn === undefined ? undefined : this.s.byArn(r.destinationArn);
    const ops = this.s.begin();
    let failure: string | undefined;
    if (!source || (r.destinationArn !== undefined && !fixedDest)) {
      failure = 'AWS.SimpleQueueService.NonExistentQueue';
    } else {
      const budget = Math.min(r.maxPerSecond ?? UNPACED_STEP, r.toMove - r.moved);
      source.drain(budget, (m) => {
        const dest = fixedDest ?? (m.sourceArn ? this.s.byArn(m.sourceArn) : undefined);
        if (!dest) {
          failure = 'AWS.SimpleQueueService.NonExistentQueue';
          return 'stop';
        }
        source.moveOut(m, dest, undefined, ops);
        r.moved++;
        return 'take';
      });
    }
    const done = failure !== undefined || !source || r.moved >= r.toMove || source.counts.ready === 0;
    if (failure) {
      r.status = 'FAILED';
      r.failureReason = failure;
    } else if (done) {
      r.status = 'COMPLETED';
    }
    ops.push(putMoveTask(r));
    try {
      await ops.commit();
    } catch (err) {
      this.s.log.error('sqs.move_task_write_failed', { queue: source?.name, taskId: r.taskId, err });
      return;
    }
    if (done) {
      this.s.log.info('sqs.move_task_done', { queue: source?.name, taskId: r.taskId, status: r.status, moved: r.moved });
      return;
    }
    if (r.status === 'RUNNING') this.schedule(t, this.s.core.clock.now() + (r.maxPerSecond ? 1000 : 0));
  }
}
