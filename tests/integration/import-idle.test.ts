import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { mailAccounts, mailAccountSync, mailFolders, mailMessages } from '@/db/schema';
import { saveMailAccount } from '@/lib/mail/account';
import { runImportPass, startInboxWatchers, type InboxWatchers } from '@/lib/mail/sync';
import { createUser } from '@/lib/users/service';
import { freshPostgres } from '../harness/databases';
import { deliverToMaildir } from '../harness/mail-servers';

// IMAP IDLE in a long-running server: a change in the INBOX is imported within seconds, through the
// normal pass, instead of at the next timer pass (minutes away here).

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const aliceMaildir = servers.maildirs[alice.email]!;

let handle: DatabaseHandle;
let db: Database;
let watchers: InboxWatchers | undefined;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 6).toString('base64')}`;
  handle = (await freshPostgres()).handle;
  db = handle.db;
});
afterAll(async () => {
  await watchers?.stop();
  await handle?.close();
});

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function inboxSubjects(accountId: string): Promise<string[]> {
  const rows = await db
    .select({ subject: mailMessages.subject })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailFolders.accountId, accountId), eq(mailFolders.path, 'INBOX')));
  return rows.map((row) => row.subject);
}

describe('IMAP IDLE watchers', () => {
  it('import new INBOX mail within seconds, and stop watching a removed account', async () => {
    const user = await createUser(db, { name: 'Idle', email: `idle-${crypto.randomBytes(4).toString('hex')}@crm.test`, password: 'idle watcher password 1', role: 'member' });
    const settings = { host: 'localhost', port: servers.imapTlsPort, tls: 'implicit' as const, username: alice.email, password: alice.password };
    const account = await saveMailAccount(db, user.id, {
      emailAddress: alice.email,
      displayName: 'Alice',
      imap: settings,
      smtp: { ...settings, port: servers.smtpTlsPort },
      source: 'manual',
    });
    // Only the INBOX, and caught up: the next timer pass would be two minutes away.
    await db.insert(mailFolders).values({ accountId: account.id, path: 'Sent', name: 'Sent', delimiter: '/', selectedForImport: false });
    const first = await runImportPass(db, { budgetMs: 60_000, accountIds: [account.id], intervalSeconds: 120 });
    expect(first.accounts[0]?.outcome).toBe('ok');
    const [sync] = await db.select().from(mailAccountSync).where(eq(mailAccountSync.accountId, account.id));
    expect(sync!.nextPassAt.getTime()).toBeGreaterThan(Date.now() + 60_000);

    const imported: string[] = [];
    watchers = startInboxWatchers(async () => db, { maxAccounts: 10, onImported: (id) => imported.push(id) });
    await until('the IDLE connection', async () => watchers!.connectedCount() === 1, 15_000);
    // A new watch first imports whatever arrived since the last pass; only what comes after is IDLE's doing.
    await until('the catch-up import of a new watch', async () => imported.includes(account.id), 15_000);
    imported.length = 0;

    const subject = `Idle ${crypto.randomUUID()}`;
    const deliveredAt = Date.now();
    await deliverToMaildir(
      aliceMaildir,
      [`From: Bob <bob@example.test>`, `To: ${alice.email}`, `Subject: ${subject}`, `Date: ${new Date().toUTCString()}`, `Message-ID: <${crypto.randomUUID()}@example.test>`, '', 'Hello.', ''].join('\r\n'),
      { folder: 'INBOX', receivedAt: new Date(), flags: '' },
    );
    await until('the message imported', async () => (await inboxSubjects(account.id)).includes(subject), 15_000);
    expect(Date.now() - deliveredAt).toBeLessThan(15_000);
    // Reported once the pass has ended, a moment after its commit made the message visible.
    await until('the IDLE import reported', async () => imported.includes(account.id), 15_000);

    await db.delete(mailAccounts).where(eq(mailAccounts.id, account.id));
    await watchers.reconcile();
    expect(watchers.connectedCount()).toBe(0);
  });
});
