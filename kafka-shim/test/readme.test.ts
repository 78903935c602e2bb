// The README's table of Kafka APIs must say exactly what ApiVersions advertises.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../compat-tests/harness/kafka-clients.js';
import { ApiRegistry } from '../src/apis/registry.js';

it('README lists every registered Kafka API with the version range ApiVersions advertises', () => {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const table = /<!-- kafka-apis:start -->([\s\S]*?)<!-- kafka-apis:end -->/.exec(readme)?.[1] ?? '';
  const rows = [...table.matchAll(/^\| (\w+) \| (\d+) \| (\d+)(?:-(\d+))? \|$/gm)].map((m) => ({
    name: m[1],
    key: Number(m[2]),
    min: Number(m[3]),
    max: Number(m[4] ?? m[3]),
  }));
  const served = new ApiRegistry().list().map((h) => ({ name: h.name, key: h.key, min: h.advertisedMinVersion ?? h.minVersion, max: h.maxVersion }));
  expect(rows).toEqual(served);
});
