/**
 * The fault port's rules without any server: validation, matching (first live rule wins), counting
 * (`times`), time windows on the clock (`forMs`), and the null lists the hot paths check.
 */
import { ManualClock } from '../src/core/clock.js';
import { Faults } from '../src/core/faults.js';

function setup() {
  const clock = new ManualClock(1_000_000);
  const faults = new Faults(clock);
  faults.declare('sqs', { error: (n) => (n === 'ThrottlingException' ? n : undefined), errors: ['ThrottlingException'] });
  faults.declare('kafka', { error: (n) => (n === 'NOT_LEADER_OR_FOLLOWER' || n === '6' ? 'NOT_LEADER_OR_FOLLOWER' : undefined), errors: [] });
  return { clock, faults };
}


it('has null lists until a rule exists, and again once it is used up', () => {
  const { faults } = setup();
  expect([faults.sqs, faults.kafka]).toEqual([null, null]);
  faults.add({ engine: 'sqs', action: 'SendMessage', error: 'ThrottlingException', times: 2 });
  expect(faults.sqs).toHaveLength(1);
  expect(faults.kafka).toBeNull();
  const req = { action: 'SendMessage', names: ['q'] };
  expect(faults.take('sqs', req)?.error).toBe('ThrottlingException');
  expect(faults.take('sqs', { action: 'ReceiveMessage', names: ['q'] })).toBeUndefined();
  expect(faults.take('sqs', req)?.error).toBe('ThrottlingException');
  expect(faults.sqs).toBeNull();
  expect(faults.list()).toEqual([expect.objectContaining({ id: 'f1', hits: 2, remaining: 0, active: false })]);
});

it('matches Kafka requests by API name or key, topic, partition and client id', () => {
  const { faults } = setup();
  faults.add({ engine: 'kafka', api: 0, topic: 't', partition: 2, clientId: 'me', error: '6' });
  const base = { action: 'Produce', key: 0, names: ['t'], partitions: [['t', 2]] as [string, number][], clientId: 'me' };
  expect(faults.take('kafka', { ...base, clientId: 'you' })).toBeUndefined();
  expect(faults.take('kafka', { ...base, partitions: [['t', 1]] })).toBeUndefined();
  expect(faults.take('kafka', { ...base, action: 'Fetch', key: 1 })).toBeUndefined();
  expect(faults.take('kafka', base)).toMatchObject({ rule: 'f1', error: 'NOT_LEADER_OR_FOLLOWER' });
  faults.clear();
  faults.add({ engine: 'kafka', api: 'produce', dropResponse: true });
  expect(faults.take('kafka', base)).toMatchObject({ dropResponse: true });
});

it('stops applying a time-window rule when the clock passes it', () => {
  const { clock, faults } = setup();
  faults.add({ engine: 'sqs', latencyMs: 500, forMs: 1000 });
  const req = { action: 'GetQueueUrl', names: [] };
  expect(faults.take('sqs', req)).toMatchObject({ latencyMs: 500 });
  clock.advance(999);
  expect(faults.take('sqs', req)).toBeDefined();
  clock.advance(1);
  expect(faults.take('sqs', req)).toBeUndefined();
  expect(faults.sqs).toBeNull();
  expect(faults.list()[0]).toMatchObject({ hits: 2, expiresAt: 1_001_000, active: false });
});

it.each([
  [{}, /engine must be/],
  [{ engine: 'sqs' }, /needs an effect/],
  [{ engine: 'sqs', error: 'Nope' }, /sqs has no error "Nope" \(one of: ThrottlingException\)/],
  [{ engine: 'sqs', topic: 't', latencyMs: 1 }, /topic does not apply to sqs rules/],
  [{ engine: 'kafka', disconnect: true, dropResponse: true }, /at most one of/],
  [{ engine: 'kafka', disconnect: true, times: 0 }, /times must be an integer >= 1/],
  [{ engine: 'kafka', disconnect: true, colour: 'red' }, /unknown key "colour"/],
])('refuses %j', (rule, message) => {
  const { faults } = setup();
  expect(() => faults.add(rule)).toThrow(message);
  expect(faults.list()).toEqual([]);
});

it('clears one rule by id or all', () => {
  const { faults } = setup();
  faults.add({ engine: 'sqs', latencyMs: 1 });
  faults.add({ engine: 'kafka', disconnect: true });
  expect(faults.clear('f1')).toBe(1);
  expect(faults.sqs).toBeNull();
  expect(faults.kafka).toHaveLength(1);
  expect(faults.clear()).toBe(1);
  expect(faults.kafka).toBeNull();
});
