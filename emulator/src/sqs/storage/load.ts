/**
 * Read all SQS state back at startup: one prefix scan per record kind. Messages and dedup entries
 * whose queue id no longer belongs to a queue (left by a purge or DeleteQueue that was cut short)
 * are reported so the caller can clear them.
 */
import { key, PREFIX, splitKey } from '../../core/keys.js';
import type { Store } from '../../core/store.js';
import type { Message } from '../semantics/messages.js';
import {
  applyMessageState,
  decodeDedup,
  decodeMessage,
  decodeMoveTask,
  decodeQueue,
  decodeTombstone,
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
}

export async function loadState(store: Store): Promise<LoadedState> {
  const state: LoadedState = { queues: [], messages: new Map(), dedup: new Map(), tombstones: [], moveTasks: [] };
  for await (const [, v] of store.scan(key(PREFIX.sqsQueue))) state.queues.push(decodeQueue(v));
  for await (const [k, v] of store.scan(key(PREFIX.sqsTombstone))) {
    const { parts } = splitKey(k, PREFIX.sqsTombstone.length, 3);
    state.tombstones.push({ region: parts[0], account: parts[1], name: parts[2], record: decodeTombstone(v) });
  }
  let last: Message | undefined;
  let lastSid = '';
  for await (const [k, v] of store.scan(key(PREFIX.sqsMessage))) {
    const { parts, rest } = splitKey(k, PREFIX.sqsMessage.length, 1);
    const seq = Number(rest.readBigUInt64BE(0));
    if (rest.length === 9) {
      // The state key sorts right after its message.
      if (last && last.seq === seq && lastSid === parts[0]) applyMessageState(last, v);
      continue;
    }
    last = decodeMessage(seq, v);
    lastSid = parts[0];
    let list = state.messages.get(parts[0]);
    if (!list) state.messages.set(parts[0], (list = []));
    list.push(last);
  }
  for await (const [k, v] of store.scan(key(PREFIX.sqsDedup))) {
    const { parts } = splitKey(k, PREFIX.sqsDedup.length, 2);
    let list = state.dedup.get(parts[0]);
    if (!list) state.dedup.set(parts[0], (list = []));
    list.push({ key: parts[1], record: decodeDedup(v) });
  }
  for await (const [, v] of store.scan(key(PREFIX.sqsMoveTask))) state.moveTasks.push(decodeMoveTask(v));
  return state;
}
