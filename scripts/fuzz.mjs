// npm run fuzz -- [--seconds N] [--seed S]
// Runs the property-based fuzz tests (lib/mail/**/*.fuzz.test.ts) for about N seconds in all (default
// 60) with a random seed, or the given one to replay a failure. `npm test` runs the same properties
// briefly with a fixed seed. A failure prints fast-check's counterexample with its seed and path.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';

const FILES = ['lib/mail/mime/mime.fuzz.test.ts', 'lib/mail/html/sanitize.fuzz.test.ts', 'lib/mail/html/sanitize-css.fuzz.test.ts'];
const usage = 'Usage: npm run fuzz -- [--seconds N] [--seed S]';

let values;
try {
  ({ values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, help: { type: 'boolean' } } }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!/^[1-9]\d*$/.test(values.seconds) || (values.seed !== undefined && !/^-?\d+$/.test(values.seed))) {
  console.error(usage);
  process.exit(2);
}
const seed = values.seed ?? String(crypto.randomInt(0, 2 ** 31 - 1));
console.log(`fuzzing for about ${values.seconds} s with seed ${seed} (replay: npm run fuzz -- --seconds ${values.seconds} --seed ${seed})`);

// One file at a time, so the seconds are spent one after another as announced.
const child = spawn('npx', ['vitest', 'run', '--project', 'unit', '--no-file-parallelism', ...FILES], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SECONDS: values.seconds, FUZZ_SEED: seed },
});
child.on('exit', (code, signal) => {
  if (code !== 0) console.error(`fuzzing failed with seed ${seed}: see the counterexample above.`);
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
