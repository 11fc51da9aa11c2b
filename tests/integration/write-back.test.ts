import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailFolders, mailMessages, mailPendingOperations, type MailAccount } from '@/db/schema';
import { changeMessages, listDroppedChanges } from '@/lib/mail/mailbox';
import { runImportPass, type ImportPassOptions } from '@/lib/mail/sync';
import { createUser } from '@/lib/users/service';
import { describeOnEachDatabase, freshPostgres } from '../harness/databases';
import { withImapClient } from '../harness/imap-client';
import { aliceAccountImporting, aliceAccountOnOwnServers } from '../harness/mail-accounts';
import { deliverToMaildir, startMailServers, type MailServers } from '../harness/mail-servers';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const aliceMaildir = servers.maildirs[alice.email]!;

beforeAll(() => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 7).toString('base64')}`;
});

const unique = (label: string) => `${label}-${crypto.randomBytes(4).toString('hex')}`;

function rawMessage(subject: string, messageId: string): string {
  return [
    'From: Bob Example <bob@example.test>',
    `To: Alice Example <${alice.email}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');
}

async function importNow(db: Database, account: MailAccount, options: Partial<ImportPassOptions> = {}) {
  await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
  const summary = await runImportPass(db, { budgetMs: 60_000, workerId: 'test', accountIds: [account.id], ...options });
  return summary.accounts.find((entry) => entry.accountId === account.id);
}

function withAliceImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient({ host: 'localhost', port: servers.imapTlsPort, secure: true, auth: { user: alice.email, pass: alice.password } }, work);
}

/** What a plain IMAP client sees of the message with this Message-ID in `folder`: its flags, or null when it is not there. */
async function serverFlags(folder: string, messageId: string): Promise<string[] | null> {
  return withAliceImap(async (client) => {
    await client.mailboxOpen(folder, { readOnly: true });
    const uids = await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true });
    if (!uids || uids.length === 0) return null;
    const [message] = await client.fetchAll(uids.join(','), { uid: true, flags: true }, { uid: true });
    return [...(message?.flags ?? [])].filter((flag) => flag !== '\\Recent').sort();
  });
}

async function localMessage(db: Database, account: MailAccount, messageId: string) {
  const [row] = await db
    .select({ id: mailMessages.id, flags: mailMessages.flags, uid: mailMessages.uid, uidValidity: mailMessages.uidValidity, folder: mailFolders.path })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailMessages.accountId, account.id), eq(mailMessages.messageId, messageId)));
  return row;
}

async function folderId(db: Database, account: MailAccount, path: string): Promise<string> {
  const [row] = await db.select({ id: mailFolders.id }).from(mailFolders).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, path)));
  return row!.id;
}

/** Alice's account importing a folder of its own with one message in it, imported. */
async function accountWithMessage(db: Database, label: string, extraFolders: string[] = []) {
  const folder = unique(label);
  const messageId = `${unique(label)}@example.test`;
  await deliverToMaildir(aliceMaildir, rawMessage(`Write-back ${label}`, messageId), { folder, flags: '' });
  for (const extra of extraFolders) await deliverToMaildir(aliceMaildir, rawMessage('placeholder', `${unique('x')}@example.test`), { folder: extra, flags: '' });
  const account = await aliceAccountImporting(db, [folder, ...extraFolders]);
  expect(await importNow(db, account)).toMatchObject({ outcome: 'ok' });
  const message = await localMessage(db, account, messageId);
  return { account, folder, messageId, message: message! };
}

describeOnEachDatabase('writing Inbox changes back to the mail server', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('marks read, flags and marks unread on the server; the page shows it before the server does', async () => {
    const { account, folder, messageId, message } = await accountWithMessage(handle.db, 'flags');
    expect(await serverFlags(folder, messageId)).toEqual([]);

    await changeMessages(handle.db, account.userId, [message.id], { kind: 'seen', value: true });
    await changeMessages(handle.db, account.userId, [message.id], { kind: 'flagged', value: true });
    expect((await localMessage(handle.db, account, messageId))?.flags).toEqual(['\\Flagged', '\\Seen']);
    expect(await serverFlags(folder, messageId)).toEqual([]);

    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'ok', written: 2 });
    expect(await serverFlags(folder, messageId)).toEqual(['\\Flagged', '\\Seen']);

    await changeMessages(handle.db, account.userId, [message.id], { kind: 'seen', value: false });
    await importNow(handle.db, account);
    expect(await serverFlags(folder, messageId)).toEqual(['\\Flagged']);
    expect((await localMessage(handle.db, account, messageId))?.flags).toEqual(['\\Flagged']);
    expect(await handle.db.select().from(mailPendingOperations).where(eq(mailPendingOperations.accountId, account.id))).toEqual([]);
  });

  it('changes made on the server by another mail program show after a sync', async () => {
    const { account, folder, messageId } = await accountWithMessage(handle.db, 'remote');
    await withAliceImap(async (client) => {
      await client.mailboxOpen(folder);
      await client.messageFlagsAdd({ header: { 'message-id': `<${messageId}>` } }, ['\\Seen', '\\Flagged']);
    });
    await importNow(handle.db, account);
    expect((await localMessage(handle.db, account, messageId))?.flags).toEqual(['\\Flagged', '\\Seen']);
  });

  it('moves a message, keeping its row (identity) and learning its new UID', async () => {
    const target = unique('target');
    const { account, folder, messageId, message } = await accountWithMessage(handle.db, 'move', [target]);
    await changeMessages(handle.db, account.userId, [message.id], { kind: 'move', destinationFolderId: await folderId(handle.db, account, target) });
    const moving = await localMessage(handle.db, account, messageId);
    expect(moving).toMatchObject({ id: message.id, folder: target, uidValidity: 0 });

    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'ok', written: 1 });
    expect(await serverFlags(folder, messageId)).toBeNull();
    expect(await serverFlags(target, messageId)).toEqual([]);
    const moved = await localMessage(handle.db, account, messageId);
    expect(moved).toMatchObject({ id: message.id, folder: target });
    expect(moved!.uidValidity).toBeGreaterThan(0);
    expect(moved!.uid).toBeGreaterThan(0);
    // The next sync of the destination does not import it a second time.
    await importNow(handle.db, account);
    const copies = await handle.db.select({ id: mailMessages.id }).from(mailMessages).where(and(eq(mailMessages.accountId, account.id), eq(mailMessages.messageId, messageId)));
    expect(copies).toEqual([{ id: message.id }]);
  });

  it('delete moves to the Trash; delete in the Trash removes it for good', async () => {
    const { account, folder, messageId, message } = await accountWithMessage(handle.db, 'delete');
    await handle.db.update(mailFolders).set({ selectedForImport: true }).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, 'Trash')));
    // The Trash row exists once the folder list was synced (the first pass did that).
    expect(await changeMessages(handle.db, account.userId, [message.id], { kind: 'delete' })).toMatchObject({ changed: 1, deletedForGood: 0 });
    await importNow(handle.db, account);
    expect(await serverFlags(folder, messageId)).toBeNull();
    expect(await serverFlags('Trash', messageId)).not.toBeNull();
    expect((await localMessage(handle.db, account, messageId))?.folder).toBe('Trash');

    expect(await changeMessages(handle.db, account.userId, [message.id], { kind: 'delete' })).toMatchObject({ changed: 1, deletedForGood: 1 });
    expect(await localMessage(handle.db, account, messageId)).toBeUndefined();
    await importNow(handle.db, account);
    expect(await serverFlags('Trash', messageId)).toBeNull();
    expect(await localMessage(handle.db, account, messageId)).toBeUndefined();
  });

  it('a change still pending is not undone by a sync that reads the old flags (no flip-flop)', async () => {
    const { account, folder, messageId, message } = await accountWithMessage(handle.db, 'flipflop');
    await changeMessages(handle.db, account.userId, [message.id], { kind: 'flagged', value: true });
    // As if the write had failed and waits for its retry: the sync still reads the server's old flags
    // (without CONDSTORE it reads every message's flags on every pass).
    await handle.db.update(mailPendingOperations).set({ nextAttemptAt: new Date(Date.now() + 3_600_000) }).where(eq(mailPendingOperations.accountId, account.id));
    await importNow(handle.db, account, { imapExtensions: 'none' });
    expect((await localMessage(handle.db, account, messageId))?.flags).toEqual(['\\Flagged']);
    expect(await serverFlags(folder, messageId)).toEqual([]);

    await handle.db.update(mailPendingOperations).set({ nextAttemptAt: new Date(0) }).where(eq(mailPendingOperations.accountId, account.id));
    await importNow(handle.db, account, { imapExtensions: 'none' });
    expect(await serverFlags(folder, messageId)).toEqual(['\\Flagged']);
    expect((await localMessage(handle.db, account, messageId))?.flags).toEqual(['\\Flagged']);
  });

  it('a move the server cannot make (the message is gone) is dropped with a notice, and the app follows the server', async () => {
    const target = unique('gone-target');
    const { account, folder, messageId, message } = await accountWithMessage(handle.db, 'gone', [target]);
    await changeMessages(handle.db, account.userId, [message.id], { kind: 'move', destinationFolderId: await folderId(handle.db, account, target) });
    await withAliceImap(async (client) => {
      await client.mailboxOpen(folder);
      await client.messageDelete({ header: { 'message-id': `<${messageId}>` } });
    });
    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'ok' });
    expect(await localMessage(handle.db, account, messageId)).toBeUndefined();
    expect(await listDroppedChanges(handle.db, account.userId)).toEqual([expect.objectContaining({ kind: 'move', reason: 'message-gone' })]);
  });

  it("nobody changes another user's message through its id", async () => {
    const { account, messageId, message } = await accountWithMessage(handle.db, 'foreign');
    const stranger = await createUser(handle.db, { name: 'Stranger', email: `${unique('stranger')}@crm.test`, password: 'stranger password 1', role: 'member' });
    expect(await changeMessages(handle.db, stranger.id, [message.id], { kind: 'delete' })).toMatchObject({ changed: 0 });
    expect(await localMessage(handle.db, account, messageId)).toMatchObject({ id: message.id });
  });
});

// Servers of this file's own: stopping the shared Dovecot would cut the other test files' connections.
describe('a change made while the mail server is down', () => {
  let own: MailServers;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    [own, { handle }] = await Promise.all([startMailServers(), freshPostgres()]);
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    await own?.stop();
  });

  it('is kept, retried, and applied once Dovecot is back', { timeout: 120_000 }, async () => {
    const ownAlice = own.users.find((user) => user.email === 'alice@example.test')!;
    const folder = unique('down');
    const messageId = `${unique('down')}@example.test`;
    await own.deliver(rawMessage('Written while down', messageId), ownAlice.email, { folder, flags: '' });
    const account = await aliceAccountOnOwnServers(handle.db, own, [folder]);
    await importNow(handle.db, account);
    const message = (await localMessage(handle.db, account, messageId))!;

    await own.stopImap();
    await changeMessages(handle.db, account.userId, [message.id], { kind: 'flagged', value: true });
    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'failed' });
    const [kept] = await handle.db.select().from(mailPendingOperations).where(eq(mailPendingOperations.accountId, account.id));
    expect(kept).toMatchObject({ kind: 'flags', droppedAt: null });

    await own.startImap();
    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'ok', written: 1 });
    const flags = await withImapClient({ host: own.host, port: own.imapPlainPort, secure: false, auth: { user: ownAlice.email, pass: ownAlice.password } }, async (client) => {
      await client.mailboxOpen(folder, { readOnly: true });
      const [fetched] = await client.fetchAll('1:*', { flags: true });
      return [...(fetched?.flags ?? [])].sort();
    });
    expect(flags).toEqual(['\\Flagged']);
    expect(await handle.db.select().from(mailPendingOperations).where(eq(mailPendingOperations.accountId, account.id))).toEqual([]);
  });
});

describeOnEachDatabase('unread counts kept on the folders', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** What the triggers keep, next to what counting says. */
  async function counts(db: Database, account: MailAccount) {
    const rows = await db
      .select({
        path: mailFolders.path,
        kept: mailFolders.unreadCount,
        counted: sql<number>`(select count(*) from mail_messages m where m.folder_id = mail_folders.id and not ('\\Seen' = any(m.flags)))::integer`,
      })
      .from(mailFolders)
      .where(eq(mailFolders.accountId, account.id));
    return Object.fromEntries(rows.map((row) => [row.path, { kept: row.kept, counted: row.counted }]));
  }

  it('follow imports, reading, flag changes, moves and deletions', async () => {
    const folder = unique('unread');
    const target = unique('unread-target');
    for (const [index, seen] of [false, false, true].entries()) {
      await deliverToMaildir(aliceMaildir, rawMessage(`Unread ${index}`, `${unique('unread')}@example.test`), { folder, flags: seen ? 'S' : '' });
    }
    await deliverToMaildir(aliceMaildir, rawMessage('Target', `${unique('unread')}@example.test`), { folder: target, flags: '' });
    const account = await aliceAccountImporting(handle.db, [folder, target]);
    await importNow(handle.db, account);
    expect((await counts(handle.db, account))[folder]).toEqual({ kept: 2, counted: 2 });

    const [first, second] = await handle.db
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
      .where(and(eq(mailFolders.path, folder), eq(mailFolders.accountId, account.id), sql`not ('\\Seen' = any(${mailMessages.flags}))`));
    await changeMessages(handle.db, account.userId, [first!.id], { kind: 'seen', value: true });
    expect((await counts(handle.db, account))[folder]).toEqual({ kept: 1, counted: 1 });
    await changeMessages(handle.db, account.userId, [second!.id], { kind: 'move', destinationFolderId: await folderId(handle.db, account, target) });
    const moved = await counts(handle.db, account);
    expect(moved[folder]).toEqual({ kept: 0, counted: 0 });
    expect(moved[target]).toEqual({ kept: 2, counted: 2 });
    await importNow(handle.db, account);
    await changeMessages(handle.db, account.userId, [second!.id], { kind: 'delete' });
    await importNow(handle.db, account);
    for (const { kept, counted } of Object.values(await counts(handle.db, account))) expect(kept).toBe(counted);
  });
});
