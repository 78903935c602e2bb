// The README's settings table must name every setting with its flag, variable, file key and default.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../compat-tests/harness/kafka-clients.js';
import { envName, SETTINGS } from '../src/host/config.js';

it('README lists every setting with its flag, environment variable, file key and default', () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const table = /<!-- settings:start -->([\s\S]*?)<!-- settings:end -->/.exec(readme)?.[1] ?? '';
  const rows = [...table.matchAll(/^\| `--([a-z-]+)` \| `(\w+)` \| `([\w.]+)` \| (?:`([^`]*)`|off|—) \|/gm)].map((m) => [m[1], m[2], m[3], m[4]]);
  const expected = SETTINGS.map((s) => [s.flag, envName(s.flag), `${s.section}.${s.key}`, s.default === undefined || s.default === false ? undefined : String(s.default)]);
  expect(rows).toEqual(expected);
});
