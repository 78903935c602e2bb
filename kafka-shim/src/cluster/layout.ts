/**
 * Which brokers to start and where each listens and is advertised, from the kafka settings:
 * `brokers` N (default 1), optional `brokerIds`, `brokerPorts` and `brokerAdvertised` lists
 * (comma-separated). Defaults: a single broker keeps node id 1 and `port` (what Tandem always
 * was); N > 1 brokers are 0..N-1 on consecutive ports from `port` (0 stays 0: each picks a free
 * port). The optional internal listener gets one port per broker the same way.
 */
import type { KafkaConfig } from '../config.js';

export interface ListenerSpec {
  /** `external` or `internal` (../apis/api.ts AdvertisedEndpoint.listener). */
  readonly name: string;
  readonly port: number;
  readonly host: string;
  /** Undefined: advertise the bound port. */
  readonly advertisedPort: number | undefined;
  /** The port bound (set once listening; reused when the broker comes back up). */
  boundPort?: number;
}

export interface BrokerListeners {
  readonly nodeId: number;
  readonly listeners: ListenerSpec[];
}

/** A comma-separated list setting. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function int(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${what}: "${raw}" is not a number from 0 to 65535`);
  return n;
}

export function brokerLayout(config: KafkaConfig, bind: string): BrokerListeners[] {
  // A wildcard bind is no address to connect to: tell clients the loopback address instead.
  const defaultHost = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  const ids = list(config.brokerIds).map((x) => int(x, 'kafka.brokerIds'));
  const count = ids.length > 0 && (config.brokers ?? 1) === 1 ? ids.length : (config.brokers ?? 1);
  if (count < 1) throw new Error('kafka.brokers must be at least 1');
  if (ids.length > 0 && ids.length !== count) throw new Error(`kafka.brokerIds names ${ids.length} ids for ${count} brokers`);
  const nodeIds = ids.length > 0 ? ids : count === 1 ? [1] : Array.from({ length: count }, (_, i) => i);
  if (new Set(nodeIds).size !== count) throw new Error(`kafka.brokerIds must be distinct: ${nodeIds.join(',')}`);
  const ports = list(config.brokerPorts).map((x) => int(x, 'kafka.brokerPorts'));
  if (ports.length > 0 && ports.length !== count) throw new Error(`kafka.brokerPorts names ${ports.length} ports for ${count} brokers`);
  const advertised = list(config.brokerAdvertised);
  if (advertised.length > 0 && advertised.length !== count) throw new Error(`kafka.brokerAdvertised names ${advertised.length} addresses for ${count} brokers`);
  const step = (base: number, i: number): number => (base === 0 ? 0 : base + i);
  return nodeIds.map((nodeId, i) => {
    const port = ports[i] ?? step(config.port, i);
    let host = config.advertisedHost ?? defaultHost;
    let advertisedPort = config.advertisedPort === undefined ? undefined : step(config.advertisedPort, i);
    if (advertised[i] !== undefined) {
      const m = /^(.*?)(?::(\d+))?$/.exec(advertised[i])!;
      host = m[1];
      advertisedPort = m[2] === undefined ? undefined : int(m[2], 'kafka.brokerAdvertised');
    }
    const listeners: ListenerSpec[] = [{ name: 'external', port, host, advertisedPort }];
    if (config.internalPort !== undefined) {
      listeners.push({ name: 'internal', port: step(config.internalPort, i), host: config.internalAdvertisedHost ?? defaultHost, advertisedPort: undefined });
    }
    return { nodeId, listeners };
  });
}
