/**
 * tandem.schema.json (the JSON Schema shipped for config files, for editors and CI checks) agrees
 * with the settings table and the declaration keys, and tandem.example.yaml (the file
 * docker-compose.yml mounts) passes both the schema and Tandem's own reader.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as AjvModule from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../../compat-tests/harness/kafka-clients.js';
import { parseConfig, SETTINGS } from '../src/host/config.js';

// ajv is CommonJS: its class is the default export's `default`.
const Ajv = AjvModule.Ajv;
const root = repoRoot();
const schema = JSON.parse(readFileSync(path.join(root, 'tandem.schema.json'), 'utf8')) as {
  properties: Record<string, { properties: Record<string, unknown> }>;
};
const validate = new Ajv({ allErrors: true }).compile(schema);

it('validates the example config file, which Tandem reads as declared', () => {
  const file = path.join(root, 'tandem.example.yaml');
  const ok = validate(parse(readFileSync(file, 'utf8')));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  const c = parseConfig(['--config', file], {});
  expect(c.declarations.queues.map((q) => q.name)).toEqual(['orders-dlq', 'orders', 'payments.fifo']);
  expect(c.declarations.topics.map((t) => [t.name, t.partitions])).toEqual([['order-events', 4]]);
});

it('names every setting of the settings table and the declaration lists, nothing else', () => {
  const keys = Object.entries(schema.properties).flatMap(([section, body]) => Object.keys(body.properties).map((k) => `${section}.${k}`));
  expect(keys.sort()).toEqual([...SETTINGS.map((s) => `${s.section}.${s.key}`), 'sqs.queues', 'kafka.topics'].sort());
});

it('rejects misspelt keys and bad declarations', () => {
  expect(validate({ sqs: { prot: 1 } })).toBe(false);
  expect(validate({ kafka: { topics: [{ name: 't', partitons: 2 }] } })).toBe(false);
  expect(validate({ kafka: { topics: [{ name: 't', partitions: 0 }] } })).toBe(false);
  expect(validate({ sqs: { queues: [{ attributes: {} }] } })).toBe(false);
  expect(validate({ host: { logLevel: 'loud' } })).toBe(false);
});
