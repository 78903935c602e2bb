/**
 * Where a Kafka compat test sends its clients: a spawned Tandem, or — when TANDEM_KAFKA_ORACLE names
 * a real Apache Kafka broker's bootstrap address — that broker. The same test then proves a
 * behaviour on both (see scripts/oracle). Tests that need Tandem itself (the manual clock, admin
 * routes, restarts) use `tandemOnly` instead of `describe` and say why.
 */
import { randomBytes } from 'node:crypto';
import { Emulator, type EmulatorOptions } from './emulator.js';

/** Bootstrap address of the real Kafka broker for the oracle pass, if this is one. */
export const ORACLE: string | undefined = process.env.TANDEM_KAFKA_ORACLE || undefined;

export interface KafkaTarget {
  /** host:port for clients' bootstrap list. */
  readonly bootstrap: string;
  /** True when this is the real Kafka broker. */
  readonly oracle: boolean;
  /** The spawned Tandem, when not the oracle (for its SQS endpoint, clock, restarts). */
  readonly emulator: Emulator | undefined;
  stop(): Promise<void>;
}

/** Start a Tandem for this test file, or use the oracle broker (already running, shared by every file). */
export async function startKafkaTarget(opts: EmulatorOptions = {}): Promise<KafkaTarget> {
  if (ORACLE) return { bootstrap: ORACLE, oracle: true, emulator: undefined, stop: async () => {} };
  const emulator = await Emulator.start(opts);
  return { bootstrap: emulator.kafkaBroker, oracle: false, emulator, stop: () => emulator.stop() };
}

/**
 * A topic or group name unique to this run: the oracle broker is shared by every test file of a
 * pass, so fixed names would collide.
 */
export function unique(name: string): string {
  return ORACLE ? `${name}-${randomBytes(4).toString('hex')}` : name;
}

/** `describe` for suites that need Tandem itself; skipped in the oracle pass. */
export const tandemOnly: jest.Describe = ORACLE ? describe.skip : describe;
