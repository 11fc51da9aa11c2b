import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { ImapFlow, Logger } from 'imapflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { mailAccounts, mailAccountSync, mailAttachments, mailFolders, mailMessages, type MailAccount } from '@/db/schema';
import { commitFolderBatch, runImportPass, type ImportPassOptions , acquireLease, LeaseLostError, releaseLease } from '@/lib/mail/sync';
import { searchQueryLiteral } from '@/lib/search';
import { describeOnEachDatabase, freshPostgres } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { deliverToMaildir } from '../harness/mail-servers';
import { withImapClient } from '../harness/imap-client';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const aliceMaildir = servers.maildirs[alice.email]!;
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(() => {
  // The harness's Dovecot lives on loopback, which the SSRF guard refuses unless the admin allows it.
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 7).toString('base64')}`;
});

const uniqueFolder = (label: string) => `Import-${label}-${crypto.randomBytes(4).toString('hex')}`;

function rawMessage(subject: string, options: { date?: Date; messageId?: string; inReplyTo?: string; body?: string } = {}): string {
  const messageId = options.messageId ?? `<${crypto.randomUUID()}@Example.test>`;
  return [
    'From: Bob Example <bob@example.test>',
    `To: Alice Example <${alice.email}>`,
    `Subject: ${subject}`,
    `Date: ${(options.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${messageId}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`, `References: ${options.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? `Body of ${subject}.`,
    '',
  ].join('\r\n');
}

async function deliver(folder: string, subject: string, options: { receivedAt?: Date; messageId?: string; inReplyTo?: string } = {}) {
  const receivedAt = options.receivedAt ?? new Date();
  await deliverToMaildir(aliceMaildir, rawMessage(subject, { date: receivedAt, ...options }), { folder, receivedAt, flags: '' });
}

/**
 * A CRM user whose account is Alice's mailbox, importing only `folders`: INBOX and Sent (imported by
 * default) are switched off first, because other test files deliver to them while this one runs.
 */
const accountImporting = aliceAccountImporting;

/** Runs a pass for this account only; it is made due first, as if its interval had passed. */
async function importNow(db: Database, account: MailAccount, options: Partial<ImportPassOptions> = {}) {
  await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
  const summary = await runImportPass(db, { budgetMs: 60_000, workerId: 'test', accountIds: [account.id], ...options });
  return summary.accounts.find((entry) => entry.accountId === account.id);
}

async function subjectsIn(db: Database, account: MailAccount, folder: string): Promise<string[]> {
  const rows = await db
    .select({ subject: mailMessages.subject })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)))
    .orderBy(mailMessages.subject);
  return rows.map((row) => row.subject);
}

async function messagesIn(db: Database, account: MailAccount, folder: string) {
  return db
    .select({ uid: mailMessages.uid, uidValidity: mailMessages.uidValidity, subject: mailMessages.subject, flags: mailMessages.flags })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)))
    .orderBy(mailMessages.uid);
}

/** Alice's mailbox as another mail program sees it, to change things behind the importer's back. */
function withAliceImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient({ host: 'localhost', port: servers.imapTlsPort, secure: true, auth: { user: alice.email, pass: alice.password } }, work);
}

/** Records the IMAP commands the importer sends (ImapFlow logs each at debug level with src 'c'). */
function commandRecorder(): { logger: Logger; commands: string[] } {
  const commands: string[] = [];
  const ignore = () => undefined;
  return {
    commands,
    logger: {
      debug: (entry: { src?: string; msg?: string }) => {
        // "<tag> <COMMAND> …": keep the command words, drop the tag and the arguments' details.
        if (entry.src === 'c' && typeof entry.msg === 'string') commands.push(entry.msg.replace(/^\S+\s+/, ''));
      },
      info: ignore,
      warn: ignore,
      error: ignore,
    },
  };
}

describeOnEachDatabase('importing a mailbox', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('imports a message with its headers, threading and flags, and a second pass finds it unchanged', async () => {
    const folder = uniqueFolder('basic');
    const parentId = `<Parent.${crypto.randomBytes(4).toString('hex')}@Example.TEST>`;
    await deliver(folder, 'Parent');
    await deliver(folder, 'Reply', { inReplyTo: parentId, messageId: `<reply.${crypto.randomBytes(4).toString('hex')}@example.test>` });
    const account = await accountImporting(handle.db, [folder]);

    const first = await importNow(handle.db, account);
    expect(first).toMatchObject({ outcome: 'ok', added: 2, removed: 0, workRemaining: false, foldersTouched: [folder] });
    const [reply] = await handle.db.select().from(mailMessages).where(and(eq(mailMessages.accountId, account.id), eq(mailMessages.subject, 'Reply')));
    expect(reply).toMatchObject({
      inReplyTo: parentId.slice(1, -1).replace('Example.TEST', 'example.test'),
      threadId: parentId.slice(1, -1).replace('Example.TEST', 'example.test'),
      fromAddresses: [{ name: 'Bob Example', address: 'bob@example.test' }],
      toAddresses: [{ name: 'Alice Example', address: alice.email }],
      textBody: expect.stringContaining('Body of Reply.'),
      snippet: 'Body of Reply.',
      parseError: null,
      rawSource: null,
    });
    expect(reply!.messageId).toMatch(/^reply\.[0-9a-f]+@example\.test$/);
    const found = await handle.db.execute(
      sql`select subject from mail_messages where account_id = ${account.id} and search @@ ${searchQueryLiteral('reply bob')}::tsquery`,
    );
    expect(JSON.stringify(found)).toContain('Reply');

    const second = await importNow(handle.db, account);
    expect(second).toMatchObject({ outcome: 'ok', added: 0, updated: 0, removed: 0, foldersTouched: [] });
    expect(await subjectsIn(handle.db, account, folder)).toEqual(['Parent', 'Reply']);
  });
});

describe('importing a mailbox (postgres)', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    ({ handle } = await freshPostgres());
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('first imports only the download window, and backfills older mail when the window grows', async () => {
    const folder = uniqueFolder('window');
    await deliver(folder, 'Forty days old', { receivedAt: new Date(Date.now() - 40 * DAY_MS) });
    await deliver(folder, 'Five days old', { receivedAt: new Date(Date.now() - 5 * DAY_MS) });
    const account = await accountImporting(handle.db, [folder]);

    expect(await importNow(handle.db, account, { daysToDownload: 30 })).toMatchObject({ outcome: 'ok', added: 1 });
    expect(await subjectsIn(handle.db, account, folder)).toEqual(['Five days old']);

    expect(await importNow(handle.db, account, { daysToDownload: 30 })).toMatchObject({ added: 0 });
    expect(await importNow(handle.db, account, { daysToDownload: 60 })).toMatchObject({ outcome: 'ok', added: 1 });
    expect(await subjectsIn(handle.db, account, folder)).toEqual(['Five days old', 'Forty days old']);
  });

  // 'all' uses QRESYNC (Dovecot, Fastmail), 'condstore-only' is how Gmail syncs, 'none' is a server without either.
  it.each(['all', 'condstore-only', 'none'] as const)('picks up new mail, flag changes and deletions on later passes (extensions: %s)', async (imapExtensions) => {
    const folder = uniqueFolder('incremental');
    for (const subject of ['One', 'Two', 'Three']) await deliver(folder, subject);
    const account = await accountImporting(handle.db, [folder]);
    expect(await importNow(handle.db, account, { imapExtensions })).toMatchObject({ added: 3 });

    await deliver(folder, 'Four');
    // By subject, not position: Dovecot numbers files dropped into a Maildir in the same second in any order.
    const imported = await messagesIn(handle.db, account, folder);
    const one = imported.find((message) => message.subject === 'One');
    const two = imported.find((message) => message.subject === 'Two');
    await withAliceImap(async (client) => {
      await client.mailboxOpen(folder);
      await client.messageFlagsAdd(String(one!.uid), ['\\Flagged'], { uid: true });
      await client.messageDelete(String(two!.uid), { uid: true });
    });

    const recorder = commandRecorder();
    expect(await importNow(handle.db, account, { imapExtensions, imapLogger: recorder.logger })).toMatchObject({
      outcome: 'ok',
      added: 1,
      updated: 1,
      removed: 1,
      foldersTouched: [folder],
    });
    const flagSync = recorder.commands.find((command) => /^UID FETCH 1:\* \(UID FLAGS[ )]/.test(command));
    expect(flagSync, recorder.commands.join('\n')).toBeDefined();
    if (imapExtensions === 'all') expect(flagSync).toMatch(/CHANGEDSINCE \d+ VANISHED/);
    if (imapExtensions === 'condstore-only') expect(flagSync).toMatch(/CHANGEDSINCE \d+\)$/);
    if (imapExtensions === 'none') expect(flagSync).not.toContain('CHANGEDSINCE');
    const after = await messagesIn(handle.db, account, folder);
    expect(after.map((message) => message.subject).sort()).toEqual(['Four', 'One', 'Three']);
    expect(after.find((message) => message.subject === 'One')!.flags).toContain('\\Flagged');
    expect(await importNow(handle.db, account, { imapExtensions })).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  it('stops when the time budget runs out, records progress, and the next pass carries on', async () => {
    const folder = uniqueFolder('budget');
    for (let index = 0; index < 12; index++) await deliver(folder, `Budget ${String(index).padStart(2, '0')}`);
    const account = await accountImporting(handle.db, [folder]);

    // The first body FETCH takes longer than the whole budget: that batch still commits, no further one starts.
    const budgetMs = 1500;
    let stalled = false;
    const slowServer: Logger = {
      debug: (entry: { src?: string; msg?: string }) => {
        if (!stalled && entry.src === 'c' && /BODY\.PEEK\[\]/.test(entry.msg ?? '')) {
          stalled = true;
          const until = Date.now() + budgetMs + 100;
          while (Date.now() < until) {
            // Busy wait: a synchronous stall, as a slow server looks from the budget's point of view.
          }
        }
      },
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const cut = await importNow(handle.db, account, { budgetMs, maxBatchMessages: 5, imapLogger: slowServer });
    expect(cut).toMatchObject({ outcome: 'ok', added: 5, workRemaining: true });
    const [sync] = await handle.db.select().from(mailAccountSync).where(eq(mailAccountSync.accountId, account.id));
    expect(sync!.progress).toEqual({ folder, done: 5, total: 12 });
    expect(sync!.nextPassAt.getTime()).toBeLessThanOrEqual(Date.now());

    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'ok', added: 7, workRemaining: false });
    const [caughtUp] = await handle.db.select().from(mailAccountSync).where(eq(mailAccountSync.accountId, account.id));
    expect(caughtUp!.progress).toBeNull();
    expect(await subjectsIn(handle.db, account, folder)).toHaveLength(12);
  });

  it('sends nothing but LIST (with STATUS) when nothing changed', async () => {
    const folder = uniqueFolder('quiet');
    await deliver(folder, 'Quiet');
    const account = await accountImporting(handle.db, [folder]);
    await importNow(handle.db, account);
    const foldersBefore = await handle.db.select().from(mailFolders).where(eq(mailFolders.accountId, account.id));

    const recorder = commandRecorder();
    expect(await importNow(handle.db, account, { imapLogger: recorder.logger })).toMatchObject({ added: 0, updated: 0, removed: 0 });
    const verbs = recorder.commands.map((command) => command.split(' ')[0]!.toUpperCase());
    expect(verbs).not.toContain('FETCH');
    expect(verbs).not.toContain('UID');
    expect(verbs).not.toContain('SELECT');
    expect(verbs).not.toContain('EXAMINE');
    expect(verbs).toContain('LIST');
    // Dovecot: ID, AUTHENTICATE (+ its continuation), ID, NAMESPACE, ENABLE, one LIST … RETURN (STATUS …), LOGOUT.
    expect(recorder.commands.length, recorder.commands.join('\n')).toBeLessThanOrEqual(10);
    expect(await handle.db.select().from(mailFolders).where(eq(mailFolders.accountId, account.id))).toEqual(foldersBefore);
  });

  it('replaces a folder whose UIDVALIDITY changed, without duplicates', async () => {
    const folder = uniqueFolder('validity');
    for (const subject of ['Old A', 'Old B']) await deliver(folder, subject);
    const account = await accountImporting(handle.db, [folder]);
    expect(await importNow(handle.db, account)).toMatchObject({ added: 2 });
    const [before] = await messagesIn(handle.db, account, folder);

    await withAliceImap(async (client) => {
      await client.mailboxDelete(folder);
      await client.mailboxCreate(folder);
      for (const subject of ['New A', 'New B', 'New C']) await client.append(folder, rawMessage(subject), []);
    });

    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'ok', added: 3, removed: 2 });
    const after = await messagesIn(handle.db, account, folder);
    expect(after.map((message) => message.subject)).toEqual(['New A', 'New B', 'New C']);
    expect(new Set(after.map((message) => message.uidValidity)).size).toBe(1);
    expect(after[0]!.uidValidity).not.toBe(before!.uidValidity);
  });

  it('lets only one of two concurrent passes import an account', async () => {
    const folder = uniqueFolder('concurrent');
    for (let index = 0; index < 30; index++) await deliver(folder, `Concurrent ${String(index).padStart(2, '0')}`);
    const account = await accountImporting(handle.db, [folder]);
    await handle.db.insert(mailAccountSync).values({ accountId: account.id, nextPassAt: new Date(0) });

    const options = { budgetMs: 60_000, accountIds: [account.id], maxBatchMessages: 5 };
    const summaries = await Promise.all([
      runImportPass(handle.db, { ...options, workerId: 'worker-a' }),
      runImportPass(handle.db, { ...options, workerId: 'worker-b' }),
    ]);
    const workers = summaries.filter((summary) => summary.accounts.some((entry) => entry.accountId === account.id));
    expect(workers).toHaveLength(1);
    expect(workers[0]!.accounts[0]).toMatchObject({ outcome: 'ok', added: 30 });
    const rows = await messagesIn(handle.db, account, folder);
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((row) => row.uid)).size).toBe(30);
  });

  it('refuses a commit from a worker whose lease was taken over', async () => {
    const folder = uniqueFolder('stale');
    await deliver(folder, 'Stale');
    const account = await accountImporting(handle.db, [folder]);
    expect(await importNow(handle.db, account)).toMatchObject({ added: 1 });
    const [folderRow] = await handle.db.select().from(mailFolders).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)));

    const stale = await acquireLease(handle.db, account.id, 'stalled-worker', 1);
    expect(stale).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const current = await acquireLease(handle.db, account.id, 'new-worker', 60_000);
    expect(current!.token).toBe(stale!.token + 1);
    expect(await acquireLease(handle.db, account.id, 'third-worker', 60_000)).toBeNull();

    const movedBack = { uidValidity: folderRow!.uidValidity!, uidNext: 1, highestModseq: null, importedSince: null, fillSince: null, fillBelowUid: null };
    await expect(
      commitFolderBatch(handle.db, stale!, { folderId: folderRow!.id, accountId: account.id, cursor: movedBack, syncedAt: new Date() }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    const [unchanged] = await handle.db.select().from(mailFolders).where(eq(mailFolders.id, folderRow!.id));
    expect(unchanged).toEqual(folderRow);
    expect(await releaseLease(handle.db, stale!, { passAt: new Date(), nextPassAt: new Date(), error: null, progress: null })).toBe(false);
    expect(await releaseLease(handle.db, current!, { passAt: new Date(), nextPassAt: new Date(), error: null, progress: null })).toBe(true);
  });

  it('marks an account whose password is refused and backs off instead of retrying at once', async () => {
    const folder = uniqueFolder('auth');
    const account = await accountImporting(handle.db, [folder]);
    await handle.db.update(mailAccounts).set({ imapUsername: 'nobody@example.test' }).where(eq(mailAccounts.id, account.id));

    const before = Date.now();
    expect(await importNow(handle.db, account)).toMatchObject({ outcome: 'auth_failed', added: 0 });
    const [marked] = await handle.db.select().from(mailAccounts).where(eq(mailAccounts.id, account.id));
    expect(marked).toMatchObject({ status: 'auth_failed', lastError: expect.stringContaining('rejected') });
    const [sync] = await handle.db.select().from(mailAccountSync).where(eq(mailAccountSync.accountId, account.id));
    expect(sync!.consecutiveFailures).toBe(1);
    expect(sync!.nextPassAt.getTime()).toBeGreaterThan(before + 10 * 60 * 1000);

    // Not due: the next pass leaves the account alone.
    const again = await runImportPass(handle.db, { budgetMs: 10_000, workerId: 'test', accountIds: [account.id] });
    expect(again.accounts).toEqual([]);
  });

  it('stores attachment details and inline images, leaves other files on the server, and only sanitised HTML', async () => {
    const folder = uniqueFolder('attachments');
    const mixed = 'm-' + crypto.randomBytes(4).toString('hex');
    const related = 'r-' + crypto.randomBytes(4).toString('hex');
    const logo = crypto.randomBytes(2000);
    const withAttachment = [
      'From: bob@example.test',
      `To: ${alice.email}`,
      'Subject: With attachment',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${mixed}"`,
      '',
      `--${mixed}`,
      `Content-Type: multipart/related; boundary="${related}"`,
      '',
      `--${related}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>See <b>attached</b><script>alert(1)</script><img src="cid:logo@example.test"></p>',
      `--${related}`,
      'Content-Type: image/png',
      'Content-ID: <logo@example.test>',
      'Content-Transfer-Encoding: base64',
      '',
      logo.toString('base64'),
      `--${related}--`,
      `--${mixed}`,
      'Content-Type: application/pdf; name="offer.pdf"',
      'Content-Disposition: attachment; filename="offer.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 pretend').toString('base64'),
      `--${mixed}--`,
      '',
    ].join('\r\n');
    await deliverToMaildir(aliceMaildir, withAttachment, { folder, flags: 'S' });
    const account = await accountImporting(handle.db, [folder]);
    expect(await importNow(handle.db, account)).toMatchObject({ added: 1 });

    const [message] = await handle.db.select().from(mailMessages).where(eq(mailMessages.accountId, account.id));
    expect(message).toMatchObject({ subject: 'With attachment', hasAttachments: true, flags: ['\\Seen'], snippet: 'See attached' });
    expect(message!.htmlBody).toContain('attached');
    expect(message!.htmlBody).not.toContain('<script');
    const attachments = await handle.db.select().from(mailAttachments).where(eq(mailAttachments.messageId, message!.id)).orderBy(mailAttachments.part);
    expect(attachments).toHaveLength(2);
    const [image, pdf] = attachments;
    // The inline image is stored, so the message renders without asking the mail server.
    expect(image).toMatchObject({ contentType: 'image/png', part: '1.2', contentId: 'logo@example.test', isInline: true, size: logo.length });
    expect(Buffer.from(image!.content!)).toEqual(logo);
    expect(message!.htmlBody).toContain(`/api/mail/attachments/${image!.id}`);
    // The file is fetched from the server by its part when it is opened (attachment-download.test.ts).
    expect(pdf).toMatchObject({ filename: 'offer.pdf', contentType: 'application/pdf', part: '2', disposition: 'attachment', isInline: false, size: 16, content: null });
  });
});
