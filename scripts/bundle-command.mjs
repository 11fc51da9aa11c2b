// Bundles one of the TypeScript commands (scripts/*.ts) into a single ESM file with esbuild, for
// scripts/run-bundled.mjs and the import benchmark. Only our own code is compiled; node_modules stay
// external and are loaded by Node as they are (so ESM-only packages such as htmlparser2 run natively).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Returns the path of the bundle, in node_modules/.cache (never in the repository). */
export async function bundleCommand(entryPath) {
  const outfile = path.join(root, 'node_modules', '.cache', 'crm-commands', `${path.basename(entryPath, '.ts')}.mjs`);
  const result = await build({
    entryPoints: [path.resolve(root, entryPath)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    outfile,
    logLevel: 'warning',
    // For the benchmark's CPU profiles (scripts/bench/cpu-profile.ts); Node ignores it otherwise.
    sourcemap: true,
    // Our code uses require() in a few places (CommonJS interop); ESM output needs it defined.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    write: false,
  });
  // Written aside and renamed into place: the same command may be bundled at the same moment by
  // parallel test files, and a reader must never see half of one.
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.mkdir(path.dirname(file.path), { recursive: true });
    await fs.writeFile(temporary, file.contents);
    await fs.rename(temporary, file.path);
  }
  return outfile;
}
