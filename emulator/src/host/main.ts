#!/usr/bin/env node
/**
 * The process entry point: `tandem [serve] [flags]` (`npm start -- [flags]`) runs the server;
 * `tandem COMMAND ...` (queues, send, topics, groups, reset: cli.ts) talks to a running one.
 */
import { runCli, SUBCOMMANDS } from './cli.js';
import { ConfigAnswer, ConfigError, parseConfig } from './config.js';
import { Logger } from '../core/logger.js';
import { startTandem } from './tandem.js';

const argv = process.argv.slice(2);
if (argv[0] !== undefined && SUBCOMMANDS.has(argv[0])) {
  const code = await runCli(argv, process.env, (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n'));
  process.exit(code);
}
if (argv[0] === 'serve') argv.shift();

const started = performance.now();
let config;
try {
  config = parseConfig(argv);
} catch (e) {
  if (e instanceof ConfigAnswer) {
    process.stdout.write(e.message + '\n');
    process.exit(0);
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`tandem: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const log = new Logger(config.host.logLevel);
const dataDir = config.storage.inMemory ? '(in memory)' : config.storage.dataDir;

try {
  const tandem = await startTandem(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutdown', { signal });
    tandem.close().then(
      () => process.exit(0),
      (err) => {
        log.error('shutdown.failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const ms = Math.round(performance.now() - started);
  // The one line printed at default log level; tests and scripts wait for it, and may signal
  // us the moment they read it, so the handlers above must already be in place.
  const bind = config.host.bind;
  process.stdout.write(
    JSON.stringify({
      event: 'ready',
      sqs: `http://${bind}:${tandem.sqsPort}`,
      kafka: `${bind}:${tandem.kafkaPort}`,
      ...(tandem.kafkaInternalPort !== undefined ? { kafkaInternal: `${bind}:${tandem.kafkaInternalPort}` } : {}),
      dataDir,
      ms,
    }) + '\n',
  );
} catch (err) {
  log.error('startup.failed', { err, dataDir });
  process.stderr.write(`tandem: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
