// node scripts/run-bundled.mjs scripts/<command>.ts [args…]
//
// Runs one of the TypeScript commands as a single esbuild bundle with plain Node, instead of through
// tsx. tsx compiled ESM dependencies (the HTML parser the sanitizer used then) to CommonJS with
// getter-based exports, which made HTML sanitizing four times slower in `mail:import` than in the
// built app; and under tsx a command's memory held the compiler too. The bundle keeps
// node_modules as they are (loaded by Node itself) and only compiles our own code, once per run
// (about a second). The bundle lands in node_modules/.cache, never in the repository.
import { spawn } from 'node:child_process';
import { bundleCommand } from './bundle-command.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry || !entry.endsWith('.ts')) {
  console.error('Usage: node scripts/run-bundled.mjs scripts/<command>.ts [args…]');
  process.exit(2);
}

const bundle = await bundleCommand(entry);
const child = spawn(process.execPath, [...process.execArgv, bundle, ...args], { stdio: 'inherit', cwd: process.cwd() });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
