/** A real HTTP listener running the SQS handler over a stand-in for the semantics layer. */
import type http from 'node:http';
import { defaults } from '../../src/host/config.js';
import type { Core } from '../../src/core/core.js';
import { Logger } from '../../src/core/logger.js';
import { AdminRoutes } from '../../src/core/routes.js';
import { boundPort, startHttp } from '../../src/host/http.js';
import { createSqsHandler } from '../../src/sqs/protocol/handler.js';
import type { Input, OperationName, Output, RequestContext, SqsApi } from '../../src/sqs/semantics/api.js';

export class FakeApi implements SqsApi {
  calls: { op: OperationName; input: Input; ctx: RequestContext }[] = [];
  outputs: Partial<Record<OperationName, Output>> = {};
  failure: unknown;

  async call(op: OperationName, input: Input, ctx: RequestContext): Promise<Output> {
    this.calls.push({ op, input, ctx });
    if (this.failure) throw this.failure;
    return this.outputs[op] ?? {};
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
