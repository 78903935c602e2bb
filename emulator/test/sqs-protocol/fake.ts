/** A real HTTP listener running the SQS handler over a stand-in for the semantics layer. */
import type http from 'node:http';
import { defaults } from '../../src/host/config.js';
import type { Core } from '../../src/core/core.js';
import { Logger } from '../../src/core/logger.js';
import { AdminRoutes } from '../../src/core/routes.js';
import { boundPort, startHttp } from '../../src/host/http.js';
import { createSqsHandler } from '../../src/sqs/protocol/handler.js';
import type { Inputs, OperationName, Outputs, RequestContext, SqsApi } from '../../src/sqs/semantics/api.js';

export class FakeApi implements SqsApi {
  // Recorded and canned loosely: the tests compare them with plain objects (and feed the encoders
  // outputs a real handler would not give, such as a Buffer where text is expected).
  calls: { op: OperationName; input: Record<string, unknown>; ctx: RequestContext }[] = [];
  outputs: Partial<Record<OperationName, object>> = {};
  failure: unknown;

  async call<Op extends OperationName>(op: Op, input: Inputs[Op], ctx: RequestContext): Promise<Outputs[Op]> {
    this.calls.push({ op, input: input as unknown as Record<string, unknown>, ctx });
    if (this.failure) throw this.failure;
    return (this.outputs[op] ?? {}) as Outputs[Op];
  }

  get last() {
    return this.calls[this.calls.length - 1];
  }
}

export interface Served {
  api: FakeApi;
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export async function serveFake(): Promise<Served> {
  const api = new FakeApi();
  const logs: string[] = [];
  const core = { log: new Logger('warn', {}, (l) => logs.push(l)) } as unknown as Core;
  const server: http.Server = await startHttp('127.0.0.1', 0, new AdminRoutes(), createSqsHandler(api, core, defaults().sqs), (err) => logs.push(String(err)));
  const url = `http://127.0.0.1:${boundPort(server)}`;
  return {
    api,
    url,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
