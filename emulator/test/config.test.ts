/** Settings: sections, precedence (flag > env > file > default), errors, --help and --version. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigAnswer, ConfigError, defaults, parseConfig } from '../src/host/config.js';

describe('parseConfig', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'tandem-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('uses the embedded defaults with no flags, no environment and no file', () => {
    expect(parseConfig([], {})).toEqual(defaults());
    expect(defaults()).toMatchObject({
      host: { bind: '127.0.0.1', logLevel: 'warn' },
      sqs: { port: 9324, region: 'us-east-1', accountId: '000000000000' },
      kafka: { port: 9092, defaultPartitions: 1 },
      storage: { dataDir: './data', inMemory: false },
    });
  });

  it('lets environment variables override defaults and flags override both', () => {
    const env = { TANDEM_SQS_PORT: '1111', TANDEM_DATA_DIR: '/env', TANDEM_RELAXED_TIMERS: 'true' };
    const c = parseConfig(['--sqs-port', '2222', '--kafka-port=3333', '--no-relaxed-timers', '--in-memory'], env);
    expect(c.sqs).toMatchObject({ port: 2222, relaxedTimers: false });
    expect(c.kafka.port).toBe(3333);
    expect(c.storage).toMatchObject({ dataDir: '/env', inMemory: true });
  });

  it('reads a YAML or JSON config file by sections, below env and flags', () => {
    const yaml = file('t.yaml', 'sqs:\n  port: 4444\n  region: eu-west-1\nkafka:\n  defaultPartitions: 3\nstorage:\n  dataDir: /from-file\n');
    const c = parseConfig(['--config', yaml, '--sqs-port', '5555'], { TANDEM_REGION: 'ap-south-1' });
    expect(c.sqs).toMatchObject({ port: 5555, region: 'ap-south-1' });
    expect(c.kafka.defaultPartitions).toBe(3);
    expect(c.storage.dataDir).toBe('/from-file');
    const json = file('t.json', JSON.stringify({ host: { logLevel: 'info' } }));
    expect(parseConfig([], { TANDEM_CONFIG: json }).host.logLevel).toBe('info');
  });

  it('names the file, line and key of a bad config file', () => {
    expect(() => parseConfig(['--config', file('a.yaml', 'sqs:\n  prot: 1\n')], {})).toThrow(/a\.yaml:2:3: unknown key "sqs\.prot"/);
    expect(() => parseConfig(['--config', file('b.yaml', 'queues: []\n')], {})).toThrow(/b\.yaml:1:1: unknown section "queues"/);
    expect(() => parseConfig(['--config', file('c.yaml', 'kafka:\n  port: many\n')], {})).toThrow(/c\.yaml:2:9: kafka\.port must be a non-negative integer/);
    expect(() => parseConfig(['--config', file('d.yaml', 'sqs:\n  port: [1\n')], {})).toThrow(/d\.yaml:\d+:\d+: /);
    expect(() => parseConfig(['--config', file('e.json', '{"kafka": {"topics": [{"name": "t", "partitons": 2}]}}')], {})).toThrow(
      /e\.json:1:37: unknown key "kafka\.topics\[0\]\.partitons"/,
    );
    expect(() => parseConfig(['--config', file('f.yaml', 'kafka:\n  topics:\n    - name: t\n      partitions: 0\n')], {})).toThrow(
      /f\.yaml:4:19: kafka\.topics\[0\]\.partitions must be a positive integer/,
    );
    expect(() => parseConfig(['--config', file('g.yaml', 'sqs:\n  queues:\n    - attributes: {}\n')], {})).toThrow(/g\.yaml:3:7: sqs\.queues\[0\] has no name/);
    expect(() => parseConfig(['--config', file('h.yaml', 'sqs:\n  queues:\n    - name: a\n    - name: a\n')], {})).toThrow(/h\.yaml:4:7: .*"a" is declared twice/);
    expect(() => parseConfig(['--config', path.join(dir, 'missing.yaml')], {})).toThrow(/missing\.yaml/);
  });

  it('reads queue and topic declarations, a queue name where an ARN goes, a RedrivePolicy mapping', () => {
    const c = parseConfig(
      [
        '--config',
        file(
          'decl.yaml',
          [
            'sqs:',
            '  queues:',
            '    - name: orders-dlq',
            '    - name: orders',
            '      attributes: { VisibilityTimeout: 30, RedrivePolicy: { deadLetterTargetArn: orders-dlq, maxReceiveCount: 3 } }',
            '      tags: { team: shop }',
            'kafka:',
            '  topics:',
            '    - name: order-events',
            '      partitions: 4',
            '      configs: { retention.ms: "604800000", cleanup.policy: delete }',
          ].join('\n'),
        ),
        '--region',
        'eu-west-1',
      ],
      {},
    );
    expect(c.declarations.queues.map((q) => [q.name, q.attributes, q.tags])).toEqual([
      ['orders-dlq', {}, {}],
      ['orders', { VisibilityTimeout: '30', RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:000000000000:orders-dlq","maxReceiveCount":3}' }, { team: 'shop' }],
    ]);
    expect(c.declarations.queues[1].at).toMatch(/decl\.yaml:4:7$/);
    expect(c.declarations.topics.map((t) => [t.name, t.partitions, t.configs])).toEqual([['order-events', 4, { 'retention.ms': '604800000', 'cleanup.policy': 'delete' }]]);
  });

  it('rejects unknown flags, missing values and bad numbers with a usage message', () => {
    expect(() => parseConfig(['--nope'], {})).toThrow(ConfigError);
    expect(() => parseConfig(['--sqs-port'], {})).toThrow(/argument missing/);
    expect(() => parseConfig(['--sqs-port', 'abc'], {})).toThrow(/non-negative integer/);
    expect(() => parseConfig([], { TANDEM_LOG_LEVEL: 'loud' })).toThrow(/unknown level/);
  });

  it('answers --help and --version instead of starting', () => {
    expect(() => parseConfig(['--help'], {})).toThrow(ConfigAnswer);
    expect(() => parseConfig(['--help'], {})).toThrow(/--in-memory/);
    expect(() => parseConfig(['--version'], {})).toThrow(/^tandem \d+\.\d+\.\d+/);
  });
});
