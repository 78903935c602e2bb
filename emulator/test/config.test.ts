import { ConfigError, DEFAULTS, parseConfig } from '../src/host/config.js';

describe('parseConfig', () => {
  it('uses the embedded defaults with no flags and no environment', () => {
    expect(parseConfig([], {})).toEqual(DEFAULTS);
    expect(DEFAULTS).toMatchObject({ sqsPort: 9324, kafkaPort: 9092, dataDir: './data', host: '127.0.0.1' });
  });

  it('lets environment variables override defaults and flags override both', () => {
    const env = { TANDEM_SQS_PORT: '1111', TANDEM_DATA_DIR: '/env', TANDEM_RELAXED_TIMERS: 'true' };
    const c = parseConfig(['--sqs-port', '2222', '--kafka-port=3333', '--no-relaxed-timers'], env);
    expect(c).toMatchObject({ sqsPort: 2222, kafkaPort: 3333, dataDir: '/env', relaxedTimers: false });
  });

  it('rejects unknown flags, missing values and bad numbers with a usage message', () => {
    expect(() => parseConfig(['--nope'], {})).toThrow(ConfigError);
    expect(() => parseConfig(['--sqs-port'], {})).toThrow(/needs a value/);
    expect(() => parseConfig(['--sqs-port', 'abc'], {})).toThrow(/non-negative integer/);
    expect(() => parseConfig([], { TANDEM_LOG_LEVEL: 'loud' })).toThrow(/unknown level/);
  });
});
