import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const RULE = 'import/no-restricted-paths';

/** The lint rule of eslint.config.mjs, run on code that is not on disk as if it were `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === RULE).map((message) => message.message);
}

// ESLint's first run loads the whole TypeScript toolchain: seconds on a busy machine.
describe('module boundaries (eslint.config.mjs)', { timeout: 60_000 }, () => {
  it('refuses a deep import into another module, by alias or relative path', async () => {
    const errors = await boundaryErrors(
      'app/example/page.ts',
      [
        "import { acquireLease } from '@/lib/mail/sync/lease';",
        "import { ImapSession } from '../../lib/mail/transport/imap-session';",
        'export const used = [acquireLease, ImapSession];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("through its public entry '@/lib/mail/sync'");
    expect(errors[1]).toContain("'@/lib/mail/transport'");
  });

  it('refuses a sibling module reaching into another one', async () => {
    const errors = await boundaryErrors('lib/mail/sync/example.ts', "import { classifyMailError } from '../transport/errors';\nexport const used = classifyMailError;");
    expect(errors).toHaveLength(1);
  });

  it('allows the public entries and a module importing its own files', async () => {
    const errors = await boundaryErrors(
      'lib/mail/sync/example.ts',
      [
        "import { ImapSession } from '@/lib/mail/transport';",
        "import { sendMailAction } from '@/lib/mail/compose/actions';",
        "import { parseAddressList } from '@/lib/mail/compose/client';",
        "import { acquireLease } from './lease';",
        'export const used = [ImapSession, sendMailAction, parseAddressList, acquireLease];',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });
});
