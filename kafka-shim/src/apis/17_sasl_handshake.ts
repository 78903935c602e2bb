/**
 * SaslHandshake: v0-1.
 *
 * Behaviour: what reaches this handler comes from a connection that needs no authentication (SASL
 * off) or has already authenticated; as Kafka's KafkaApis, it answers ILLEGAL_SASL_STATE. The
 * handshake itself (and KIP-368 re-authentication) is run by the connection's authenticator
 * (server/sasl.ts, server/connection.ts) before requests reach the handlers.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const saslHandshake = defineApi({
  key: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  handle() {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  },
});
