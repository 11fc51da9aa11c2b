/**
 * Regenerates lib/mail/account/providers.generated.json from Thunderbird's ISPDB files and
 * lib/mail/account/providers.supplement.json.
 *
 *   tsx scripts/generate-providers.ts [ispdb-dir] [--check] [--verbose]
 *
 * ispdb-dir defaults to tests/fixtures/ispdb (relative to the repository root, which is the
 * working directory under `npm run`). With --check nothing is written; the exit code is 1 when
 * the committed file is out of date. --verbose lists skipped files (POP-only providers, …) and
 * domains claimed by two providers.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildProviderTable,
  isActiveIspdbFileName,
  serializeProviderTable,
  type IspdbFile,
} from '@/lib/mail/account';

const repoRoot = process.cwd();
const outputPath = path.join(repoRoot, 'lib/mail/account/providers.generated.json');
const supplementPath = path.join(repoRoot, 'lib/mail/account/providers.supplement.json');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const checkOnly = args.includes('--check');
  const verbose = args.includes('--verbose');
  const ispdbDir = path.resolve(repoRoot, args.find((arg) => !arg.startsWith('--')) ?? 'tests/fixtures/ispdb');

  const fileNames = (await readdir(ispdbDir)).filter((name) => name.endsWith('.xml') || name.includes('.xml '));
  const inactive = fileNames.filter((name) => !isActiveIspdbFileName(name));
  const files: IspdbFile[] = await Promise.all(
    fileNames
      .filter(isActiveIspdbFileName)
      .map(async (fileName) => ({ fileName, xml: await readFile(path.join(ispdbDir, fileName), 'utf8') })),
  );
  const supplement: unknown = JSON.parse(await readFile(supplementPath, 'utf8'));

  const { providers, warnings } = buildProviderTable(files, supplement);
  const output = serializeProviderTable({
    generatedFrom:
      'thunderbird/autoconfig ispdb/ (MPL-2.0, see providers.LICENSE) + providers.supplement.json; ' +
      'regenerate with scripts/generate-providers.ts',
    providers,
  });

  if (verbose) {
    for (const warning of warnings) {
      console.warn(`note: ${warning}`);
    }
  }
  console.warn(
    `${files.length} ISPDB files read (${inactive.length} inactive alternatives ignored), ` +
      `${providers.length} providers in the table, ${warnings.length} notes` +
      (verbose || warnings.length === 0 ? '.' : ' (--verbose lists them).'),
  );

  if (checkOnly) {
    const existing = await readFile(outputPath, 'utf8').catch(() => '');
    if (existing !== output) {
      console.error(`${path.relative(repoRoot, outputPath)} is out of date; run scripts/generate-providers.ts.`);
      return 1;
    }
    return 0;
  }
  await writeFile(outputPath, output);
  console.warn(`Wrote ${path.relative(repoRoot, outputPath)}.`);
  return 0;
}

main().then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
