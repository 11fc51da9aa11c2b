import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailFolders, mailMessages } from '@/db/schema';
import { runImportPass } from '@/lib/mail/sync';
import { freshPostgres } from '../harness/databases';
import { aliceAccountOnOwnServers } from '../harness/mail-accounts';
import { startMailServers, type MailServers } from '../harness/mail-servers';

const MESSAGES = 2000;

// A mail server instance of this file's own: restarting the shared one would cut the other test files' connections.
let servers: MailServers;
let handle: DatabaseHandle;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 17).toString('base64')}`;
  [servers, { handle }] = await Promise.all([startMailServers(), freshPostgres()]);
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await servers?.stop();
});

describe('Dovecot restarted in the middle of an import', () => {
  it('keeps what was committed, and the next pass completes the folder with no gaps or duplicates', { timeout: 240_000 }, async () => {
    const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
    const folder = `Restart-${crypto.randomBytes(4).toString('hex')}`;
    const filler = 'y'.repeat(30_000);
    for (let index = 0; index < MESSAGES; index++) {
      const raw = `From: bob@example.test\r\nTo: ${alice.email}\r\nSubject: Restart ${index}\r\nMessage-ID: <restart-${index}-${folder}@example.test>\r\n\r\nMessage ${index}.\r\n${filler}\r\n`;
      await servers.deliver(raw, alice.email, { folder, flags: '' });
    }
    const account = await aliceAccountOnOwnServers(handle.db, servers, [folder]);
    const count = async () => {
      const [row] = await handle.db
        .select({ total: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${mailMessages.uid})::int` })
        .from(mailMessages)
        .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
        .where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)));
      return row!;
    };

    // Restart Dovecot as soon as the first batches are in.
    const pass = runImportPass(handle.db, { budgetMs: 180_000, accountIds: [account.id], maxBatchMessages: 20 });
    while ((await count()).total === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await servers.restartImap();
    const cut = await pass;
    expect(cut.accounts[0]?.outcome).toBe('failed');
    const partial = await count();
    expect(partial.total).toBe(partial.distinct);
    expect(partial.total).toBeGreaterThan(0);
    expect(partial.total).toBeLessThan(MESSAGES);

    await handle.db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
    const resumed = await runImportPass(handle.db, { budgetMs: 180_000, accountIds: [account.id] });
    expect(resumed.accounts[0]).toMatchObject({ outcome: 'ok', added: MESSAGES - partial.total, workRemaining: false });
    expect(await count()).toEqual({ total: MESSAGES, distinct: MESSAGES });
  });
});
