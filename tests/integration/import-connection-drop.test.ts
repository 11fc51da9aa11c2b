import crypto from 'node:crypto';
import net from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailAccounts, mailAccountSync, mailFolders, mailMessages } from '@/db/schema';
import { runImportPass } from '@/lib/mail/sync';
import { freshPostgres } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const MESSAGES = 600;

/**
 * A TCP relay in front of Dovecot that the test can cut: every open connection is destroyed once
 * `cutAfterBytes` bytes went from the server to the importer — the IMAP connection dropping mid-FETCH,
 * as it does when a server restarts or a NAT forgets the flow.
 */
async function startCuttableRelay(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let cutAfterBytes = Infinity;
  let relayed = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    upstream.on('data', (chunk: Buffer) => {
      relayed += chunk.length;
      if (relayed > cutAfterBytes) {
        for (const socket of sockets) socket.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cutAfter(bytes: number) {
      relayed = 0;
      cutAfterBytes = bytes;
    },
    heal() {
      cutAfterBytes = Infinity;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let handle: DatabaseHandle;
let relay: Awaited<ReturnType<typeof startCuttableRelay>>;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 13).toString('base64')}`;
  ({ handle } = await freshPostgres());
  relay = await startCuttableRelay(servers.imapTlsPort);
});
afterAll(async () => {
  await relay?.close();
  await handle?.close();
});

describe('an IMAP connection that drops in the middle of an import', () => {
  it('keeps what was committed, and the next pass completes the folder with no gaps or duplicates', { timeout: 180_000 }, async () => {
    const folder = `Import-drop-${crypto.randomBytes(4).toString('hex')}`;
    const maildir = servers.maildirs[alice.email]!;
    const filler = 'x'.repeat(2000);
    for (let index = 0; index < MESSAGES; index++) {
      const raw = `From: bob@example.test\r\nTo: ${alice.email}\r\nSubject: Drop ${index}\r\nMessage-ID: <drop-${index}-${folder}@example.test>\r\n\r\nMessage ${index}.\r\n${filler}\r\n`;
      await deliverToMaildir(maildir, raw, { folder, flags: '' });
    }
    const account = await aliceAccountImporting(handle.db, [folder]);
    // Through the relay: same host name (the certificate is for localhost), the relay's port.
    await handle.db.update(mailAccounts).set({ imapPort: relay.port }).where(eq(mailAccounts.id, account.id));
    const [folderRow] = await handle.db.select().from(mailFolders).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)));
    const count = async () => {
      const [row] = await handle.db
        .select({ total: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${mailMessages.uid})::int` })
        .from(mailMessages)
        .where(eq(mailMessages.folderId, folderRow!.id));
      return row!;
    };

    // About half the folder's bytes get through before the connection dies.
    relay.cutAfter(MESSAGES * 2100 * 0.5);
    const cut = await runImportPass(handle.db, { budgetMs: 120_000, accountIds: [account.id], maxBatchMessages: 50 });
    expect(cut.accounts[0]?.outcome).not.toBe('ok');
    const partial = await count();
    expect(partial.total).toBe(partial.distinct);
    expect(partial.total).toBeGreaterThan(0);
    expect(partial.total).toBeLessThan(MESSAGES);

    relay.heal();
    await handle.db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
    const resumed = await runImportPass(handle.db, { budgetMs: 120_000, accountIds: [account.id] });
    expect(resumed.accounts[0]).toMatchObject({ outcome: 'ok', added: MESSAGES - partial.total, workRemaining: false });
    expect(await count()).toEqual({ total: MESSAGES, distinct: MESSAGES });
  });
});
