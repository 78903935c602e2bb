/** The KIP-848 server-side assignors: balance, stickiness, ranges, heterogeneous subscriptions. */
import { count, rangeAssignor, uniformAssignor, type Assignment, type AssignorMember } from '../../../src/groups/consumer/assignors.js';

const member = (memberId: string, topics: string[], previous: Record<string, number[]> = {}): AssignorMember => ({
  memberId,
  topics: new Set(topics),
  previous: new Map(Object.entries(previous).map(([t, ps]) => [t, new Set(ps)])),
});
const plain = (out: Map<string, Assignment>) =>
  Object.fromEntries([...out].map(([id, a]) => [id, Object.fromEntries([...a].filter(([, s]) => s.size > 0).map(([t, s]) => [t, [...s].sort((x, y) => x - y)]))]));

test('uniform: every partition once, members within one of each other', () => {
  const out = uniformAssignor.assign([member('a', ['t', 'u']), member('b', ['t', 'u']), member('c', ['t', 'u'])], new Map([['t', 4], ['u', 3]]));
  const sizes = [...out.values()].map(count).sort();
  expect(sizes).toEqual([2, 2, 3]);
  const all = [...out.values()].flatMap((a) => [...a].flatMap(([t, s]) => [...s].map((p) => `${t}${p}`))).sort();
  expect(all).toEqual(['t0', 't1', 't2', 't3', 'u0', 'u1', 'u2']);
});

test('uniform: sticky — a newcomer takes partitions from the others, who keep the rest', () => {
  const before = { a: [0, 1, 2], b: [3, 4, 5] };
  const out = plain(uniformAssignor.assign([member('a', ['t'], { t: before.a }), member('b', ['t'], { t: before.b }), member('c', ['t'])], new Map([['t', 6]])));
  expect(out.a.t.length).toBe(2);
  expect(out.b.t.length).toBe(2);
  expect(out.c.t.length).toBe(2);
  for (const p of out.a.t) expect(before.a).toContain(p);
  for (const p of out.b.t) expect(before.b).toContain(p);
});

test('uniform: heterogeneous subscriptions give each topic to its subscribers only, balanced where possible', () => {
  const out = plain(uniformAssignor.assign([member('a', ['t']), member('b', ['t', 'u']), member('c', ['u'])], new Map([['t', 4], ['u', 2]])));
  expect(out.c.t).toBeUndefined();
  expect(out.a.u).toBeUndefined();
  const sizes = Object.values(out).map((a) => Object.values(a).flat().length).sort();
  expect(sizes).toEqual([2, 2, 2]);
});

test('range: contiguous ranges per topic, the first members one more', () => {
  const out = plain(rangeAssignor.assign([member('b', ['t']), member('a', ['t']), member('c', ['t', 'u'])], new Map([['t', 7], ['u', 2]])));
  expect(out).toEqual({ a: { t: [0, 1, 2] }, b: { t: [3, 4] }, c: { t: [5, 6], u: [0, 1] } });
});

test('no members or no subscribed topics: empty assignments', () => {
  expect(plain(uniformAssignor.assign([], new Map([['t', 3]])))).toEqual({});
  expect(plain(uniformAssignor.assign([member('a', [])], new Map([['t', 3]])))).toEqual({ a: {} });
});
