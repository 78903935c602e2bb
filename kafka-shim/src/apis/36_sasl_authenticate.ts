/**
 * SaslAuthenticate: v0-2 (flexible from v2).
 *
 * Behaviour: as SaslHandshake (17_sasl_handshake.ts), only requests outside an authentication
 * exchange get here, and Kafka's KafkaApis answers them ILLEGAL_SASL_STATE with this message; the
 * exchange itself is run by the connection's authenticator (server/sasl.ts).
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

export const saslAuthenticate = defineApi({
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  handle() {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  },
});
