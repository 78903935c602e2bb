/** SQS semantics entry point: one handler per operation, free of HTTP. */
import type { Core } from '../../core/core.js';
import { OPERATIONS, SqsError, type Input, type OperationName, type Output, type RequestContext, type SqsApi } from './api.js';

type Handler = (input: Input, ctx: RequestContext) => Promise<Output>;

export class SqsService implements SqsApi {
  private readonly handlers: Partial<Record<OperationName, Handler>> = {};

  constructor(private readonly core: Core) {}

  async load(): Promise<void> {}

  async close(): Promise<void> {}

  call(op: OperationName, input: Input, ctx: RequestContext): Promise<Output> {
    const h = this.handlers[op];
    if (!h || !OPERATIONS.includes(op)) return Promise.reject(new SqsError('UnsupportedOperation', `${op} is not supported yet.`));
    return h(input, ctx);
  }
}
