/** SQS: placeholder wiring until the protocol and semantics land. */
import type { Core } from '../core/core.js';
import type { BodyHandler } from '../http/server.js';

export interface SqsModule {
  handle: BodyHandler;
  close(): Promise<void>;
}

export async function createSqs(_core: Core): Promise<SqsModule> {
  return {
    handle: (_req, res) => {
      res.writeHead(501).end();
    },
    close: async () => {},
  };
}
