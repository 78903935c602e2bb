/**
 * STS GetCallerIdentity on the SQS port: apps and test fixtures call it to build ARNs and queue
 * URLs, so it answers with the account Tandem derives from the access key (as for SQS) and that
 * account's root ARN, as AWS does for root credentials. It is the only STS call served; STS speaks
 * Query (`Action=GetCallerIdentity&Version=2011-06-15`), and the JSON target is accepted too.
 */
import type { RequestContext } from '../semantics/api.js';
import type { WireResponse } from './respond.js';

export const STS_JSON_TARGET = 'AWSSecurityTokenServiceV20110615.GetCallerIdentity';
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** True for a Query request that is STS's GetCallerIdentity rather than an SQS action. */
export function isStsQuery(action: unknown, version: unknown): boolean {
  return action === 'GetCallerIdentity' && (version === undefined || version === '2011-06-15');
}

export function callerIdentity(ctx: RequestContext, json: boolean): WireResponse {
  const account = ctx.accountId;
  const arn = `arn:aws:iam::${account}:root`;
  const body = json
    ? JSON.stringify({ Account: account, Arn: arn, UserId: account })
    : `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>${account}</UserId>` +
      `<Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  return {
    status: 200,
    headers: { 'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml', 'x-amzn-RequestId': ctx.requestId, 'content-length': Buffer.byteLength(body) },
    body,
  };
}
