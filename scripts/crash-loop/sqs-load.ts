/**
 * The SQS half of the crash loop: a client-side model of every message sent to a standard and a
 * FIFO queue (acknowledged, maybe-sent when the process died mid-request, received and in flight,
 * deleted), load that sends, receives, deletes and changes visibility, and the invariants checked
 * on every answer and after each restart: no deleted message comes back, no message in flight is
 * received again, FIFO groups are delivered in order, and no acknowledged message is ever lost.
 * Runs on the manual clock, so "in flight" has an exact meaning across restarts.
 */

/** `deleting` / `releasing`: a DeleteMessage / ChangeMessageVisibility(0) was sent but not answered
 * (the process died): either outcome is allowed afterwards. */
type State = 'acked' | 'maybe' | 'inflight' | 'deleting' | 'releasing' | 'deleted';

interface Msg {
  state: State;
  queue: 'std' | 'fifo';
  group?: number;
  seq?: number;
  /** Received at least once (for the lost-message check). */
  seen: boolean;
}

export class SqsModel {
  readonly msgs = new Map<string, Msg>();
  readonly violations: string[] = [];
  private nextId = 0;
  /** FIFO: one send at a time per group, so a maybe-sent message is always its group's last. */
  private readonly groupSeq = [0, 0, 0, 0];
  private readonly groupBusy = [false, false, false, false];
  urls = { std: '', fifo: '' };
  endpoint = '';

  async call(op: string, body: object, signal?: AbortSignal): Promise<any> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` },
      body: JSON.stringify(body),
      signal,
    });
    const out = (await res.json()) as any;
    if (!res.ok) throw new Error(`${op} ${res.status}: ${JSON.stringify(out)}`);
    return out;
  }

  async setup(endpoint: string): Promise<void> {
    this.endpoint = endpoint;
    this.urls.std = (await this.call('CreateQueue', { QueueName: 'crash-std', Attributes: { VisibilityTimeout: '600' } })).QueueUrl;
    this.urls.fifo = (await this.call('CreateQueue', { QueueName: 'crash-q.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '600' } })).QueueUrl;
  }

  /** After a restart: the same queues, a new endpoint. */
  reconnect(endpoint: string): void {
    const swap = (u: string) => endpoint + new URL(u).pathname;
    this.endpoint = endpoint;
    this.urls = { std: swap(this.urls.std), fifo: swap(this.urls.fifo) };
  }

  async sendStd(): Promise<void> {
    const ids = Array.from({ length: 5 }, () => `s${this.nextId++}`);
    for (const id of ids) this.msgs.set(id, { state: 'maybe', queue: 'std', seen: false });
    await this.call('SendMessageBatch', { QueueUrl: this.urls.std, Entries: ids.map((id, i) => ({ Id: String(i), MessageBody: id })) });
    for (const id of ids) this.msgs.get(id)!.state = 'acked';
  }

  async sendFifo(): Promise<void> {
    const g = Math.floor(Math.random() * 4);
    if (this.groupBusy[g]) return;
    this.groupBusy[g] = true;
    const seq = this.groupSeq[g]++;
    const id = `f${g}-${seq}`;
    this.msgs.set(id, { state: 'maybe', queue: 'fifo', group: g, seq, seen: false });
    try {
      await this.call('SendMessage', { QueueUrl: this.urls.fifo, MessageBody: id, MessageGroupId: `g${g}`, MessageDeduplicationId: id });
      this.msgs.get(id)!.state = 'acked';
    } finally {
      this.groupBusy[g] = false;
    }
  }

  /** Receive; check each message against the model; delete most, release some, keep some in flight. */
  async receive(queue: 'std' | 'fifo'): Promise<void> {
    const out = await this.call('ReceiveMessage', { QueueUrl: this.urls[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
    const got: { id: string; rh: string }[] = (out.Messages ?? []).map((m: any) => ({ id: m.Body, rh: m.ReceiptHandle }));
    for (const { id } of got) this.checkDelivery(id, queue);
    if (queue === 'fifo') this.checkFifoOrder(got.map((g) => g.id));
    for (const { id } of got) {
      const m = this.msgs.get(id);
      if (m) {
        m.state = 'inflight';
        m.seen = true;
      }
    }
    for (const { id, rh } of got) {
      const m = this.msgs.get(id);
      if (!m) continue;
      const r = Math.random();
      if (r < 0.75) {
        m.state = 'deleting';
        await this.call('DeleteMessage', { QueueUrl: this.urls[queue], ReceiptHandle: rh });
        m.state = 'deleted';
      } else if (r < 0.9 || queue === 'fifo') {
        // Visible again at once: it may be received again (a redelivery, not a resurrection).
        m.state = 'releasing';
        await this.call('ChangeMessageVisibility', { QueueUrl: this.urls[queue], ReceiptHandle: rh, VisibilityTimeout: 0 });
        m.state = 'acked';
      }
      // else (standard only, so FIFO groups keep moving): stays in flight for 600 s of a clock
      // that does not move, across restarts.
    }
  }

  private checkDelivery(id: string, queue: string): void {
    const m = this.msgs.get(id);
    if (!m) return void this.violations.push(`${queue}: received ${id}, never sent`);
    if (m.state === 'deleted') this.violations.push(`${queue}: received ${id} after its delete was acknowledged (resurrected)`);
    if (m.state === 'inflight') this.violations.push(`${queue}: received ${id} while in flight`);
  }

  /** Per group: a receive starts at the lowest message still stored and skips none that is. */
  private checkFifoOrder(ids: string[]): void {
    const byGroup = new Map<number, number[]>();
    for (const id of ids) {
      const m = this.msgs.get(id);
      if (m?.group === undefined) continue;
      byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m.seq!]);
    }
    for (const [g, seqs] of byGroup) {
      const pending = [...this.msgs.values()].filter((m) => m.group === g && m.state !== 'deleted' && m.state !== 'deleting' && (m.state !== 'maybe' || seqs.includes(m.seq!)));
      const lowest = Math.min(...pending.map((m) => m.seq!));
      if (seqs[0] !== lowest) this.violations.push(`fifo g${g}: received seq ${seqs[0]} first, lowest undeleted is ${lowest}`);
      // Between two messages of one receive, only messages gone (deleted, being deleted, or
      // never stored) may be skipped: one still stored there was delivered out of order.
      for (let i = 1; i < seqs.length; i++) {
        const skipped = [...this.msgs.values()].filter(
          (m) => m.group === g && m.seq! > seqs[i - 1] && m.seq! < seqs[i] && (m.state === 'acked' || m.state === 'inflight' || m.state === 'releasing'),
        );
        if (seqs[i] < seqs[i - 1] || skipped.length > 0) this.violations.push(`fifo g${g}: seqs ${seqs.join(',')} skip stored ${skipped.map((m) => m.seq).join(',')}`);
      }
    }
  }

  /** Load until `signal` aborts (the process is being killed). Errors from the kill are expected. */
  async load(signal: AbortSignal): Promise<void> {
    const one = async (): Promise<void> => {
      while (!signal.aborted) {
        const r = Math.random();
        try {
          if (r < 0.35) await this.sendStd();
          else if (r < 0.6) await this.sendFifo();
          else await this.receive(r < 0.8 ? 'std' : 'fifo');
        } catch {
          return; // the process died under us
        }
      }
    };
    await Promise.all([one(), one(), one(), one()]);
  }

  /** The final check: release everything (move the clock past every visibility timeout) and drain. */
  async drainAndCheckLost(advance: (ms: number) => Promise<unknown>): Promise<{ acked: number; drained: number }> {
    await advance(601_000);
    for (const m of this.msgs.values()) if (m.state === 'inflight' || m.state === 'releasing') m.state = 'acked';
    let drained = 0;
    for (const queue of ['std', 'fifo'] as const) {
      for (let empty = 0; empty < 3; ) {
        const before = drained;
        const out = await this.call('ReceiveMessage', { QueueUrl: this.urls[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
        const got = (out.Messages ?? []) as any[];
        for (const msg of got) {
          this.checkDelivery(msg.Body, queue);
          const m = this.msgs.get(msg.Body);
          if (m) {
            m.seen = true;
            m.state = 'deleted';
          }
          drained++;
          await this.call('DeleteMessage', { QueueUrl: this.urls[queue], ReceiptHandle: msg.ReceiptHandle });
        }
        empty = drained === before ? empty + 1 : 0;
      }
    }
    let acked = 0;
    for (const [id, m] of this.msgs) {
      if (m.state === 'maybe') continue;
      acked++;
      // A delete that was in flight at a kill may have happened before the message was ever seen.
      if (m.state === 'deleting') continue;
      if (!m.seen) this.violations.push(`${m.queue}: ${id} acknowledged, never delivered (lost)`);
    }
    return { acked, drained };
  }
}
