/**
 * Read all SQS state back at startup: one prefix scan per record kind. Messages and dedup entries
 * whose queue id no longer belongs to a queue (left by a purge or DeleteQueue that was cut short)
 * are reported so the caller can clear them.
 */
import { key, splitKey } from '../../core/storage/keys.js';
import { PREFIX } from './keys.js';
import type { Store } from '../../core/storage/store.js';
import type { Message } from '../semantics/messages.js';
import {
  applyMessageState,
  decodeAttempt,
  decodeDedup,
  decodeMessage,
  decodeMoveTask,
  decodeQueue,
  decodeTombstone,
  type AttemptRecord,
  type DedupRecord,
  type MoveTaskRecord,
  type QueueRecord,
  type TombstoneRecord,
} from './records.js';

export interface LoadedState {
  queues: QueueRecord[];
  /** Messages by queue storage id, in seq order. */
  messages: Map<string, Message[]>;
  dedup: Map<string, { key: string; record: DedupRecord }[]>;
  tombstones: { region: string; account: string; name: string; record: TombstoneRecord }[];
  moveTasks: MoveTaskRecord[];
  /** ReceiveRequestAttemptIds by queue id. */
  attempts: Map<string, { attemptId: string; record: AttemptRecord }[]>;
}

export async function loadState(store: Store): Promise<LoadedState> {
  const state: LoadedState = { queues: [], messages: new Map(), dedup: new Map(), tombstones: [], moveTasks: [], attempts: new Map() };
  await store.forEach(key(PREFIX.queue), (_, v) => state.queues.push(decodeQueue(v)));
  await store.forEach(key(PREFIX.tombstone), (k, v) => {
    const { parts } = splitKey(k, PREFIX.tombstone.length, 3);
    state.tombstones.push({ region: parts[0], account: parts[1], name: parts[2], record: decodeTombstone(v) });
  });
  let last: Message | undefined;
  let list: Message[] = [];
  let sid = '';
  await store.forEach(key(PREFIX.message), (k, v) => {
    const sidEnd = k.indexOf(0, PREFIX.message.length);
    const seq = Number(k.readBigUInt64BE(sidEnd + 1));
    if (k.length === sidEnd + 10) {
      // A state key sorts right after its message.
      if (last && last.seq === seq) applyMessageState(last, v);
      return;
    }
    const keySid = k.toString('latin1', PREFIX.message.length, sidEnd);
    if (keySid !== sid) {
      sid = keySid;
      list = state.messages.get(sid) ?? [];
      state.messages.set(sid, list);
    }
    last = decodeMessage(seq, v);
    list.push(last);
  });
  await store.forEach(key(PREFIX.dedup), (k, v) => {
    const { parts } = splitKey(k, PREFIX.dedup.length, 2);
    let entries = state.dedup.get(parts[0]);
    if (!entries) state.dedup.set(parts[0], (entries = []));
    entries.push({ key: parts[1], record: decodeDedup(v) });
  });
  await store.forEach(key(PREFIX.moveTask), (_, v) => state.moveTasks.push(decodeMoveTask(v)));
  await store.forEach(key(PREFIX.attempt), (k, v) => {
    const { parts } = splitKey(k, PREFIX.attempt.length, 2);
    let list = state.attempts.get(parts[0]);
    if (!list) state.attempts.set(parts[0], (list = []));
    list.push({ attemptId: parts[1], record: decodeAttempt(v) });
  });
  return state;
}
