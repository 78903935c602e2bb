/**
 * Just enough of the embedded "consumer" protocol (ConsumerProtocolSubscription and
 * ConsumerProtocolAssignment, never flexible) to know which topics a group consumes (OffsetDelete's
 * GROUP_SUBSCRIBED_TO_TOPIC) and which member owns a partition (the lag report).
 * Both start with an int16 version; the fields we read are the same in every version.
 */

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  int16(): number {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  string(): string {
    const len = this.int16();
    if (len < 0 || this.pos + len > this.buf.length) throw new RangeError('bad string');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  count(): number {
    const n = this.int32();
    // Every element takes at least 2 bytes, so a larger count is garbage, not a huge allocation.
    if (n < 0 || n > this.buf.length) throw new RangeError('bad array length');
    return n;
  }
}

/** Topics of a subscription, or undefined when the metadata is not a consumer subscription. */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    const r = new Reader(metadata);
    r.int16();
    const topics: string[] = [];
    for (let n = r.count(); n > 0; n--) topics.push(r.string());
    return topics;
  } catch {
    return undefined;
  }
}

/** topic -> partitions of an assignment, or undefined when it cannot be parsed. */
export function assignedPartitions(assignment: Buffer): Map<string, number[]> | undefined {
  if (assignment.length === 0) return new Map();
  try {
    const r = new Reader(assignment);
    r.int16();
    const out = new Map<string, number[]>();
    for (let n = r.count(); n > 0; n--) {
      const topic = r.string();
      const parts: number[] = [];
      for (let m = r.count(); m > 0; m--) parts.push(r.int32());
      out.set(topic, parts);
    }
    return out;
  } catch {
    return undefined;
  }
}
