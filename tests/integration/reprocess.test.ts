import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailAttachments, mailFolders, mailMessages, type MailAccount } from '@/db/schema';
import { SANITIZER_VERSION } from '@/lib/mail/html';
import { CURRENT_CONTENT_VERSIONS, forgetUpToDateAccounts, runImportPass, runReprocess } from '@/lib/mail/sync';
import { TOKENIZER_VERSION } from '@/lib/search';
import { freshPostgres } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { deliverToMaildir } from '../harness/mail-servers';

// A sanitizer or tokenizer fix reaches mail already imported: messages stored by an older version
// are fetched again and re-prepared, and nothing else of them changes.

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const maildir = servers.maildirs[alice.email]!;
const ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 13).toString('base64')}`;
const DAY_MS = 24 * 60 * 60 * 1000;
const STALE_HTML = '<p>made by an older sanitizer</p>';

let handle: DatabaseHandle;
let databaseUrl: string;
let running: ChildProcess | undefined;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = ENCRYPTION_KEY;
  ({ handle, url: databaseUrl } = await freshPostgres());
});
afterAll(async () => {
  if (running?.pid && running.exitCode === null && running.signalCode === null) process.kill(-running.pid, 'SIGKILL');
  await handle?.close();
});

const uniqueFolder = (label: string) => `Reprocess-${label}-${crypto.randomBytes(4).toString('hex')}`;

function htmlMessage(subject: string, date: Date): string {
  const related = `rel-${crypto.randomBytes(4).toString('hex')}`;
  const pixel = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  return [
    'From: Bob Example <bob@example.test>',
    `To: Alice Example <${alice.email}>`,
    `Subject: ${subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@example.test>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/related; boundary="${related}"`,
    '',
    `--${related}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Quarterly <b>figures</b> for ${subject}<script>alert(1)</script><img src="cid:logo@example.test"><img src="https://tracker.example/p.gif"></p>`,
    `--${related}`,
    'Content-Type: image/png',
    'Content-ID: <logo@example.test>',
    'Content-Transfer-Encoding: base64',
    '',
    pixel.toString('base64'),
    `--${related}--`,
    '',
  ].join('\r\n');
}

async function deliver(folder: string, subject: string, receivedAt = new Date()) {
  await deliverToMaildir(maildir, htmlMessage(subject, receivedAt), { folder, receivedAt, flags: '' });
}

async function importNow(db: Database, account: MailAccount, daysToDownload = 30) {
  await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
  const summary = await runImportPass(db, { budgetMs: 120_000, workerId: 'test', accountIds: [account.id], daysToDownload });
  return summary.accounts.find((entry) => entry.accountId === account.id)!;
}

async function rowsOf(db: Database, account: MailAccount) {
  return db
    .select({
      id: mailMessages.id,
      subject: mailMessages.subject,
      flags: mailMessages.flags,
      receivedAt: mailMessages.receivedAt,
      threadId: mailMessages.threadId,
      fromAddresses: mailMessages.fromAddresses,
      htmlBody: mailMessages.htmlBody,
      snippet: mailMessages.snippet,
      blockedRemoteImages: mailMessages.blockedRemoteImages,
      search: sql<string>`${mailMessages.search}::text`,
      sanitizerVersion: mailMessages.sanitizerVersion,
      tokenizerVersion: mailMessages.tokenizerVersion,
      attachments: sql<string[]>`(select coalesce(array_agg(${mailAttachments.id}::text order by ${mailAttachments.id}), '{}') from ${mailAttachments} where ${mailAttachments.messageId} = ${mailMessages.id})`,
    })
    .from(mailMessages)
    .where(eq(mailMessages.accountId, account.id))
    .orderBy(asc(mailMessages.subject));
}

/** What an older sanitizer and tokenizer would have left: other HTML, other words, older versions. */
async function makeContentOlder(db: Database, account: MailAccount) {
  await db
    .update(mailMessages)
    .set({
      htmlBody: STALE_HTML,
      search: sql`to_tsvector('simple', 'stale words')`,
      blockedRemoteImages: 0,
      sanitizerVersion: SANITIZER_VERSION - 1,
      tokenizerVersion: TOKENIZER_VERSION - 1,
    })
    .where(eq(mailMessages.accountId, account.id));
}

describe('reprocessing messages stored by an older sanitizer or tokenizer', () => {
  it('records the versions that prepared each imported message', async () => {
    const folder = uniqueFolder('versions');
    await deliver(folder, 'Versioned');
    const account = await aliceAccountImporting(handle.db, [folder]);
    expect((await importNow(handle.db, account)).added).toBe(1);
    const [row] = await rowsOf(handle.db, account);
    expect(row).toMatchObject({ sanitizerVersion: SANITIZER_VERSION, tokenizerVersion: TOKENIZER_VERSION });
    expect(CURRENT_CONTENT_VERSIONS).toEqual({ sanitizer: SANITIZER_VERSION, tokenizer: TOKENIZER_VERSION });
  });

  it('mail:reprocess re-prepares them from the server, within the download window, and keeps everything else', async () => {
    const folder = uniqueFolder('cli');
    await deliver(folder, 'A recent one');
    await deliver(folder, 'B recent one');
    await deliver(folder, 'C older than the window', new Date(Date.now() - 40 * DAY_MS));
    const account = await aliceAccountImporting(handle.db, [folder]);
    expect((await importNow(handle.db, account, 60)).added).toBe(3);
    const imported = await rowsOf(handle.db, account);
    expect(imported[0]!.htmlBody).toContain('/api/mail/attachments/');
    expect(imported[0]!.htmlBody).not.toContain('<script');

    // The user flagged one meanwhile: reprocessing must not undo it.
    await handle.db.update(mailMessages).set({ flags: ['\\Flagged', '\\Seen'] }).where(eq(mailMessages.id, imported[0]!.id));
    await makeContentOlder(handle.db, account);

    const summary = await runReprocess(handle.db, { accountIds: [account.id], budgetMs: 60_000, daysToDownload: 30 });
    expect(summary.accounts).toEqual([expect.objectContaining({ accountId: account.id, outcome: 'ok', reprocessed: 2, missing: 0, workRemaining: false })]);

    const after = await rowsOf(handle.db, account);
    for (const index of [0, 1]) {
      // The HTML, its inline image pointing at the same stored attachment, and the words are back …
      expect(after[index]).toEqual({
        ...imported[index],
        flags: index === 0 ? ['\\Flagged', '\\Seen'] : imported[index]!.flags,
      });
    }
    // … and the one outside the window was not fetched again.
    expect(after[2]).toMatchObject({ htmlBody: STALE_HTML, sanitizerVersion: SANITIZER_VERSION - 1 });

    // Nothing older within the window is left: a second run has nothing to do, and left the lease free.
    const again = await runReprocess(handle.db, { accountIds: [account.id], budgetMs: 60_000, daysToDownload: 30 });
    expect(again.accounts[0]).toMatchObject({ outcome: 'up_to_date', reprocessed: 0 });
    const [sync] = await handle.db.select().from(mailAccountSync).where(eq(mailAccountSync.accountId, account.id));
    expect(sync?.leaseOwner).toBeNull();
  });

  it('waits for the account while its import holds the lease', async () => {
    const folder = uniqueFolder('lease');
    await deliver(folder, 'Leased');
    const account = await aliceAccountImporting(handle.db, [folder]);
    await importNow(handle.db, account);
    await makeContentOlder(handle.db, account);
    await handle.db
      .update(mailAccountSync)
      .set({ leaseOwner: 'an importer', leaseExpiresAt: sql`now() + interval '1 hour'` })
      .where(eq(mailAccountSync.accountId, account.id));
    const summary = await runReprocess(handle.db, { accountIds: [account.id], budgetMs: 60_000, leaseWaitMs: 1500 });
    expect(summary.accounts[0]).toMatchObject({ outcome: 'busy', reprocessed: 0, workRemaining: true });
    expect((await rowsOf(handle.db, account))[0]).toMatchObject({ htmlBody: STALE_HTML });
  });

  it('the import pass does a bounded share of it by itself once the account is caught up', async () => {
    const folder = uniqueFolder('pass');
    await deliver(folder, 'In the pass');
    const account = await aliceAccountImporting(handle.db, [folder]);
    await importNow(handle.db, account);
    const imported = await rowsOf(handle.db, account);
    await makeContentOlder(handle.db, account);
    // As after a deploy: a new process knows of no account that is up to date.
    forgetUpToDateAccounts();
    const summary = await importNow(handle.db, account);
    expect(summary).toMatchObject({ outcome: 'ok', added: 0, reprocessed: 1 });
    expect(await rowsOf(handle.db, account)).toEqual(imported);
  });

  it('a run killed in the middle loses nothing: the next one continues with what is left', { timeout: 300_000 }, async () => {
    const MESSAGES = 1500;
    const folder = uniqueFolder('kill');
    for (let index = 0; index < MESSAGES; index++) {
      const raw = `From: bob@example.test\r\nTo: ${alice.email}\r\nSubject: Bulk ${index}\r\nContent-Type: text/html\r\n\r\n<p>Message <i>${index}</i></p>\r\n`;
      await deliverToMaildir(maildir, raw, { folder, flags: '' });
    }
    const account = await aliceAccountImporting(handle.db, [folder]);
    const imported = await importNow(handle.db, account);
    expect(imported.added).toBe(MESSAGES);
    await makeContentOlder(handle.db, account);
    const [folderRow] = await handle.db.select().from(mailFolders).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)));
    const current = async () => {
      const [row] = await handle.db
        .select({ count: sql<number>`count(*)::int` })
        .from(mailMessages)
        .where(and(eq(mailMessages.folderId, folderRow!.id), eq(mailMessages.sanitizerVersion, SANITIZER_VERSION)));
      return row?.count ?? 0;
    };

    const first = startReprocess(account.id);
    const deadline = Date.now() + 120_000;
    while ((await current()) < 200) {
      if (Date.now() > deadline || first.child.exitCode !== null) throw new Error(`mail:reprocess did not get going: ${(await first.done).stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.done;
    const afterKill = await current();
    expect(afterKill).toBeLessThan(MESSAGES);

    // The dead worker's lease would run out after its TTL; skip the wait.
    await handle.db.update(mailAccountSync).set({ leaseExpiresAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
    const second = startReprocess(account.id);
    const finished = await second.done;
    expect(finished.code, finished.stderr).toBe(0);
    const summary = JSON.parse(finished.stdout) as { accounts: { reprocessed: number; outcome: string; workRemaining: boolean }[] };
    expect(summary.accounts[0]).toMatchObject({ outcome: 'ok', reprocessed: MESSAGES - afterKill, workRemaining: false });
    expect(await current()).toBe(MESSAGES);
    const [stale] = await handle.db
      .select({ count: sql<number>`count(*)::int` })
      .from(mailMessages)
      .where(and(eq(mailMessages.folderId, folderRow!.id), eq(mailMessages.htmlBody, STALE_HTML)));
    expect(stale?.count).toBe(0);
  });
});

/** mail:reprocess as an admin runs it (bundled), in its own process group so it can be killed whole. */
function startReprocess(accountId: string): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['scripts/run-bundled.mjs', 'scripts/mail-reprocess.ts', '--account', accountId], {
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'crm-reprocess-')),
      MAIL_ENCRYPTION_KEY: ENCRYPTION_KEY,
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      NODE_ENV: 'development',
    },
  });
  running = child;
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}
