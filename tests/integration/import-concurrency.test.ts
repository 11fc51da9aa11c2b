import crypto from 'node:crypto';
import { and, count, countDistinct, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailFolders, mailMessages, type MailAccount } from '@/db/schema';
import { runImportPass, type ImportPassOptions } from '@/lib/mail/sync';
import { freshPostgres } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { deliverToMaildir } from '../harness/mail-servers';

// Several accounts at once, shared fairly, and never one account in two workers: the import pass's
// slots and any number of passes (app instances, overlapping cron calls) claim accounts from the
// same leases in Postgres. Each CRM account here is alice's mailbox importing a folder of its own.

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const aliceMaildir = servers.maildirs[alice.email]!;

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 5).toString('base64')}`;
  handle = (await freshPostgres()).handle;
  db = handle.db;
});
afterAll(async () => {
  await handle?.close();
});

const uniqueFolder = (label: string) => `Conc-${label}-${crypto.randomBytes(4).toString('hex')}`;

async function fillFolder(folder: string, messages: number): Promise<void> {
  const now = Date.now();
  // The first delivery creates the folder's directories; the rest may go in parallel.
  for (let index = 0; index < messages; index += 20) {
    const chunk = Array.from({ length: Math.min(20, messages - index) }, (_, offset) => index + offset);
    const deliver = (n: number) =>
      deliverToMaildir(
        aliceMaildir,
        [
          'From: Bob Example <bob@example.test>',
          `To: Alice Example <${alice.email}>`,
          `Subject: ${folder} message ${n}`,
          `Date: ${new Date(now - n * 60_000).toUTCString()}`,
          `Message-ID: <${crypto.randomUUID()}@example.test>`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          `Body ${n} of ${folder}.`,
          '',
        ].join('\r\n'),
        { folder, receivedAt: new Date(now - n * 60_000), flags: '' },
      );
    if (index === 0) {
      await deliver(chunk.shift()!);
    }
    await Promise.all(chunk.map(deliver));
  }
}

async function accountWithFolder(label: string, messages: number): Promise<{ account: MailAccount; folder: string }> {
  const folder = uniqueFolder(label);
  await fillFolder(folder, messages);
  return { account: await aliceAccountImporting(db, [folder]), folder };
}

async function stored(account: MailAccount): Promise<{ rows: number; distinctUids: number }> {
  const [row] = await db
    .select({ rows: count(), distinctUids: countDistinct(mailMessages.uid) })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(eq(mailFolders.accountId, account.id));
  return { rows: row?.rows ?? 0, distinctUids: row?.distinctUids ?? 0 };
}

/** Polls the leases while `work` runs: the most accounts leased at one moment. */
async function peakLeased<T>(accountIds: string[], work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const [row] = await db
        .select({ leased: count() })
        .from(mailAccountSync)
        .where(and(inArray(mailAccountSync.accountId, accountIds), isNotNull(mailAccountSync.leaseOwner), sql`${mailAccountSync.leaseExpiresAt} > now()`));
      peak = Math.max(peak, row?.leased ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    return { result: await work(), peak };
  } finally {
    done = true;
    await poll;
  }
}

const pass = (accountIds: string[], options: Partial<ImportPassOptions> = {}) =>
  runImportPass(db, { budgetMs: 120_000, workerId: 'conc-test', accountIds, ...options });

describe('import pass over several accounts', () => {
  it('imports several accounts at once, each completely and nothing twice', async () => {
    const accounts = await Promise.all([0, 1, 2, 3].map((n) => accountWithFolder(`many${n}`, 40)));
    const ids = accounts.map(({ account }) => account.id);
    const { result: summary, peak } = await peakLeased(ids, () => pass(ids, { concurrency: 4, maxBatchMessages: 10 }));

    expect(peak).toBeGreaterThanOrEqual(2);
    expect(summary.accounts.map((entry) => entry.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(new Set(summary.accounts.map((entry) => entry.accountId))).toEqual(new Set(ids));
    for (const { account } of accounts) expect(await stored(account)).toEqual({ rows: 40, distinctUids: 40 });
    expect(summary.workRemaining).toBe(false);
  });

  it('two overlapping passes share the accounts and never import one twice', async () => {
    const accounts = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => accountWithFolder(`overlap${n}`, 15)));
    const ids = accounts.map(({ account }) => account.id);
    const [first, second] = await Promise.all([
      pass(ids, { workerId: 'instance-a', concurrency: 3 }),
      pass(ids, { workerId: 'instance-b', concurrency: 3 }),
    ]);

    const imported = [...first.accounts, ...second.accounts].map((entry) => entry.accountId);
    // Each account exactly once over both passes: a worker that finds an account just imported by the
    // other (and so no longer due) leaves it alone.
    expect(imported.sort()).toEqual([...ids].sort());
    expect([...first.accounts, ...second.accounts].every((entry) => entry.outcome === 'ok' && entry.added === 15)).toBe(true);
    for (const { account } of accounts) expect(await stored(account)).toEqual({ rows: 15, distinctUids: 15 });
  });

  it('gives an account one complete turn per pass, even when it is due again at once', async () => {
    const { account } = await accountWithFolder('again', 3);
    // IMPORT_INTERVAL_SECONDS=0 (cron only): the account is due again the moment its pass ends.
    const summary = await pass([account.id], { intervalSeconds: 0, concurrency: 2 });
    expect(summary.accounts.map((entry) => entry.accountId)).toEqual([account.id]);
    expect(summary.workRemaining).toBe(false);
    expect(await stored(account)).toEqual({ rows: 3, distinctUids: 3 });
  });

  it('a huge first import does not hold up a small account that is due', async () => {
    const small = await accountWithFolder('small', 2);
    // Caught up first; then one new message makes it due.
    expect((await pass([small.account.id])).accounts[0]?.outcome).toBe('ok');
    // Dovecot tells Maildir changes by directory mtimes (whole seconds): a delivery in the same second
    // as the folder's last scan may go unseen by the next STATUS.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await fillFolder(small.folder, 1);
    const bigOnes = await Promise.all([accountWithFolder('big1', 600), accountWithFolder('big2', 600)]);
    const ids = [small.account.id, ...bigOnes.map(({ account }) => account.id)];
    // The first imports have waited longest: without the fair share they would take both slots first.
    await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(inArray(mailAccountSync.accountId, ids.slice(1)));
    await db.update(mailAccountSync).set({ nextPassAt: new Date(1_000) }).where(eq(mailAccountSync.accountId, small.account.id));

    const summary = await pass(ids, { concurrency: 2, accountSliceMs: 300, maxBatchMessages: 10 });

    // The small account was done while both big ones still had work left (not after them, as when
    // accounts are worked through one after another).
    const smallTurns = summary.accounts.filter((entry) => entry.accountId === small.account.id);
    expect(smallTurns.reduce((sum, entry) => sum + entry.added, 0)).toBe(1);
    const smallAt = summary.accounts.findIndex((entry) => entry.accountId === small.account.id && !entry.workRemaining);
    expect(smallAt).toBeGreaterThanOrEqual(0);
    for (const { account } of bigOnes) {
      expect(summary.accounts.findLastIndex((entry) => entry.accountId === account.id)).toBeGreaterThan(smallAt);
    }
    // The big ones took turns (each yielded at least once) and still ended complete, nothing twice.
    const turns = (id: string) => summary.accounts.filter((entry) => entry.accountId === id);
    for (const { account } of bigOnes) {
      expect(turns(account.id).length).toBeGreaterThanOrEqual(2);
      expect(turns(account.id).at(-1)?.workRemaining).toBe(false);
      expect(await stored(account)).toEqual({ rows: 600, distinctUids: 600 });
    }
    expect(await stored(small.account)).toEqual({ rows: 3, distinctUids: 3 });
  });
});
