/**
 * ListGroups: v0-5 (flexible from v3).
 *
 * Behaviour: every group this broker coordinates (all of them), including Empty groups that
 * only hold committed offsets.
 * Version notes: v4 states filter and group state (case-insensitive, as Kafka); v5 types filter
 * and group type: "classic" or "consumer" (KIP-848 groups, whose states are Empty, Assigning,
 * Reconciling and Stable).
 */
import { defineApi } from './api.js';

export const listGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { cluster } = ctx.broker;
    // Each broker lists the groups it coordinates, as in Kafka (admin clients ask every broker).
    const groups = ctx.broker.groups.list(req.statesFilter, req.typesFilter).filter((g) => cluster.coordinator(g.groupId) === ctx.conn.nodeId);
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});
