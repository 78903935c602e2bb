/** What the API handlers hand the coordinator, independent of the request version. */
import type { JoinGroupRequest, LeaveGroupRequest, SyncGroupRequest } from '../protocol/generated/types.js';

export interface GroupOptions {
  /** group.initial.rebalance.delay.ms: how long a group coming out of Empty waits for more members. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.consumer.session.timeout.ms (KIP-848 consumer groups) */
  consumerSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  consumerHeartbeatIntervalMs: number;
  /** group.consumer.assignors: server-side assignor names, the first the default */
  consumerAssignors: string[];
}

/** The JoinGroup request fields the coordinator reads, plus what the handler derives. */
export type JoinRequest = Pick<
  JoinGroupRequest,
  'groupId' | 'memberId' | 'groupInstanceId' | 'rebalanceTimeoutMs' | 'sessionTimeoutMs' | 'protocolType' | 'protocols'
> & {
  /** JoinGroup v4+ from a dynamic member: hand out a member id first (MEMBER_ID_REQUIRED). */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
};

/** Every version decodes to this shape (v0-2 without group instance id, v0-4 without protocol
 * type and name: those arrive as null). */
export type SyncRequest = SyncGroupRequest;

export type LeavingMember = Pick<LeaveGroupRequest['members'][number], 'memberId' | 'groupInstanceId'>;

export function validGroupId(groupId: unknown, allowEmpty = false): groupId is string {
  return typeof groupId === 'string' && !groupId.includes('\0') && (allowEmpty || groupId !== '');
}
