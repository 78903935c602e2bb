/**
 * README's "Test control" example, run exactly as printed: the code block between the
 * `test-control-example` markers is written to a file and run with `node --test` against a Tandem
 * on a manual clock, as a user's own test suite would run it. If the README's example stops
 * working, this fails.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Emulator } from '../harness/emulator.js';
import { repoRoot } from '../harness/kafka-clients.js';

function example(): string {
  const readme = readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const m = /<!-- test-control-example -->\s*```js\n([\s\S]*?)```\s*<!-- \/test-control-example -->/.exec(readme);
  if (!m) throw new Error('README has no test-control-example block');
  return m[1];
}

let emu: Emulator;
beforeAll(async () => {
  emu = await Emulator.start();
});
afterAll(async () => {
  await emu.stop();
});

it('the DLQ-after-3-receives example passes without sleeping, and really moved the clock', async () => {
  // Under node_modules so the example's own imports (@aws-sdk/client-sqs) resolve as in a user's project.
  const dir = path.join(repoRoot(), 'node_modules', '.cache', 'tandem-readme');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'dlq.test.mjs');
  writeFileSync(file, example());
  const before = await emu.now();
  const started = Date.now();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--test', '--test-reporter=spec', file], { env: { ...process.env, TANDEM_ENDPOINT: emu.sqsEndpoint }, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );
  expect(out).toMatch(/✔ a message that fails 3 times lands in the dead-letter queue/);
  expect(out).toMatch(/ℹ pass 1/);
  // Three visibility timeouts of 30 s passed on Tandem's clock in far less wall time.
  expect((await emu.now()) - before).toBe(90_000);
  expect(Date.now() - started).toBeLessThan(30_000);
});
