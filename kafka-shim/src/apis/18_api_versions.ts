/**
 * ApiVersions: v0-4 (flexible from v3).
 *
 * Behaviour: lists every handler of the registry (./registry.ts) with the range it serves, so we never advertise
 * a version nobody handles, except where Kafka 4 itself advertises a lower minimum than it serves
 * (`advertisedMinVersion`: Produce from v0, KAFKA-18659's librdkafka workaround; such requests
 * still close the connection, as on Kafka 4). No features are advertised (SupportedFeatures and FinalizedFeatures
 * empty, FinalizedFeaturesEpoch -1), as a broker without a feature-versioned metadata log.
 * v3+ requests carry the client software name and version; like Kafka we reject malformed ones
 * with INVALID_REQUEST.
 *
 * Version notes: the response header is always v0 (KIP-511), handled by the codec. A version above
 * our maximum never reaches this handler: the connection answers it with a v0 body and
 * UNSUPPORTED_VERSION so the client can retry lower.
 */
import { ErrorCode } from '../errors.js';
import { defineApi } from './api.js';

const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersions = defineApi({
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    if (ctx.apiVersion >= 3 && !(SOFTWARE.test(req.clientSoftwareName) && SOFTWARE.test(req.clientSoftwareVersion))) {
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] };
    }
    return {
      errorCode: 0,
      apiKeys: ctx.apis.list().map((h) => ({ apiKey: h.key, minVersion: h.advertisedMinVersion ?? h.minVersion, maxVersion: h.maxVersion })),
      throttleTimeMs: 0,
    };
  },
});
