import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailMessages } from '@/db/schema';
import { runImportPass } from '@/lib/mail/sync';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { freshPostgres } from '../harness/databases';
import { deliverToMaildir } from '../harness/mail-servers';
import { mimeCorpusFiles } from '../harness/mime-corpora';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
let handle: DatabaseHandle;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 5).toString('base64')}`;
  ({ handle } = await freshPostgres());
});
afterAll(async () => {
  await handle?.close();
});

describe('importing the MIME corpora', () => {
  it('stores every message, broken ones with their headers and source, and none stops the folder', { timeout: 180_000 }, async () => {
    const files = mimeCorpusFiles();
    expect(files.length).toBeGreaterThan(250);
    const folder = `Import-corpora-${crypto.randomBytes(4).toString('hex')}`;
    for (const file of files) await deliverToMaildir(servers.maildirs[alice.email]!, fs.readFileSync(file), { folder, flags: '' });

    // Only the corpus folder: other test files deliver to INBOX and Sent meanwhile.
    const account = await aliceAccountImporting(handle.db, [folder]);

    const summary = await runImportPass(handle.db, { budgetMs: 170_000, workerId: 'corpora', accountIds: [account.id] });
    expect(summary.accounts[0]).toMatchObject({ outcome: 'ok', added: files.length, errors: [], workRemaining: false });

    const rows = await handle.db
      .select({ uid: mailMessages.uid, subject: mailMessages.subject, parseError: mailMessages.parseError, rawSource: mailMessages.rawSource })
      .from(mailMessages)
      .where(eq(mailMessages.accountId, account.id));
    expect(rows).toHaveLength(files.length);
    expect(new Set(rows.map((row) => row.uid)).size).toBe(files.length);
    for (const row of rows.filter((candidate) => candidate.parseError !== null)) expect(row.rawSource, row.subject).not.toBeNull();

    const unparsed = await handle.db
      .select({ subject: mailMessages.subject, parseError: mailMessages.parseError })
      .from(mailMessages)
      .where(and(eq(mailMessages.accountId, account.id), isNotNull(mailMessages.parseError)));
    // Visible in the test output: which of the corpus messages only got their headers stored.
    console.log(`corpora: ${rows.length} messages imported, ${unparsed.length} with parse_error`, unparsed);
  });
});
