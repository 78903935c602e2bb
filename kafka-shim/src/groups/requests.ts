/** What the API handlers hand the coordinator, independent of the request version. */
import type { Protocol } from './group.js';

export interface GroupOptions {
  /** group.initial.rebalance.delay.ms: how long a group coming out of Empty waits for more members. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+ from a dynamic member: hand out a member id first (MEMBER_ID_REQUIRED). */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export function validGroupId(groupId: unknown, allowEmpty = false): groupId is string {
  return typeof groupId === 'string' && !groupId.includes('\0') && (allowEmpty || groupId !== '');
}
