/**
 * ListPartitionReassignments: v0 (flexible).
 *
 * Behaviour: reassignments complete the moment they are asked for (45_alter_partition_reassignments.ts:
 * the data is on every broker already), so none is ever in progress and the answer lists no topic,
 * whichever topics are asked about, as Kafka's controller answers when nothing is reassigning
 * (it lists only reassigning partitions, and skips unknown topics).
 */
import { defineApi } from './api.js';

export const listPartitionReassignments = defineApi({
  key: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  handle() {
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] };
  },
});
