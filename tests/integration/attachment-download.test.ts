import crypto from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { mailAccounts, mailAccountSync, mailAttachments, mailMessages, type MailAccount } from '@/db/schema';
import { saveMailAccount } from '@/lib/mail/account';
import { loadAttachmentContent } from '@/lib/mail/mailbox';
import { runImportPass } from '@/lib/mail/sync';
import { describeOnEachDatabase } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { deliverToMaildir } from '../harness/mail-servers';
import { freePort } from '../harness/net';
import { withImapClient } from '../harness/imap-client';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const aliceMaildir = servers.maildirs[alice.email]!;

beforeAll(() => {
  // The harness's Dovecot lives on loopback, which the SSRF guard refuses unless the admin allows it.
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 7).toString('base64')}`;
});

const uniqueFolder = (label: string) => `Download-${label}-${crypto.randomBytes(4).toString('hex')}`;
const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Base64 in 76-character lines, as mail programs write it. */
function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * Quoted-printable (RFC 2045 6.7) of text with CRLF line ends: the line ends stay hard line breaks,
 * everything else outside printable ASCII (and a space or tab before a line end) is escaped, and
 * lines are wrapped with soft breaks.
 */
function quotedPrintable(text: Buffer): string {
  const escape = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return text
    .toString('latin1')
    .split('\r\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'latin1');
      const tokens = [...bytes].map((byte, index) => {
        const whitespace = byte === 0x20 || byte === 0x09;
        const literal = (byte >= 33 && byte <= 126 && byte !== 0x3d) || (whitespace && index < bytes.length - 1);
        return literal ? String.fromCharCode(byte) : escape(byte);
      });
      const wrapped: string[] = [];
      let current = '';
      for (const token of tokens) {
        if (current.length + token.length > 75) {
          wrapped.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      return [...wrapped, current].join('\r\n');
    })
    .join('\r\n');
}

/** A large binary that would never be stored at import. */
const pdfBytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(3 * 1024 * 1024)]);
/** ISO-8859-1 text with line ends, trailing spaces and characters QP has to escape; served without charset conversion. */
const notesBytes = Buffer.from(
  Array.from({ length: 40 }, (_, line) => `Line ${line}: räksmörgås = ${'ÅÄÖ åäö '.repeat(line % 7)}tail \t`).join('\r\n') + '\r\n',
  'latin1',
);

/** From Bob to Alice, sent now, with a fresh Message-ID. */
function headerLines(subject: string): string[] {
  return [
    'From: Bob Example <bob@example.test>',
    `To: Alice Example <${alice.email}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@example.test>`,
    'MIME-Version: 1.0',
  ];
}

function messageWithAttachments(subject: string): string {
  const boundary = `b-${crypto.randomBytes(6).toString('hex')}`;
  return [
    ...headerLines(subject),
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The contract and my notes are attached.',
    `--${boundary}`,
    'Content-Type: application/pdf; name="contract.pdf"',
    'Content-Disposition: attachment; filename="contract.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(pdfBytes),
    `--${boundary}`,
    'Content-Type: text/plain; charset=iso-8859-1; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(notesBytes),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** A message that is nothing but the file: IMAP calls its body part 1. */
function singlePartAttachment(subject: string, content: Buffer): string {
  return [
    ...headerLines(subject),
    'Content-Type: application/octet-stream; name="scan.bin"',
    'Content-Disposition: attachment; filename="scan.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(content),
    '',
  ].join('\r\n');
}

/** Delivers the message unseen into a folder of its own, imports it and forgets every stored content. */
async function importedWithoutContent(db: Database, folder: string, rawMessage: string) {
  // Flags given (none) puts it into cur/: a plain unseen message, not a \Recent one.
  await deliverToMaildir(aliceMaildir, rawMessage, { folder, flags: '' });
  const account = await aliceAccountImporting(db, [folder]);
  await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
  const summary = await runImportPass(db, { budgetMs: 60_000, workerId: 'test', accountIds: [account.id] });
  expect(summary.accounts[0]).toMatchObject({ outcome: 'ok', added: 1 });
  const attachments = await db
    .select({ id: mailAttachments.id, filename: mailAttachments.filename, part: mailAttachments.part })
    .from(mailAttachments)
    .innerJoin(mailMessages, eq(mailMessages.id, mailAttachments.messageId))
    .where(eq(mailMessages.accountId, account.id));
  // Whatever the importer keeps today, these tests are about the files it did not keep.
  await db
    .update(mailAttachments)
    .set({ content: null })
    .where(inArray(mailAttachments.id, attachments.map((attachment) => attachment.id)));
  const byName = (filename: string) => {
    const attachment = attachments.find((entry) => entry.filename === filename);
    if (!attachment) throw new Error(`no attachment ${filename} was imported`);
    return attachment;
  };
  return { account, byName };
}

async function storedContent(db: Database, attachmentId: string): Promise<Uint8Array | null> {
  const [row] = await db.select({ content: mailAttachments.content }).from(mailAttachments).where(eq(mailAttachments.id, attachmentId));
  return row?.content ?? null;
}

/** Alice's mailbox as another mail program sees it, to look at or change things behind the app's back. */
function withAliceImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient({ host: 'localhost', port: servers.imapTlsPort, secure: true, auth: { user: alice.email, pass: alice.password } }, work);
}

async function serverFlags(folder: string): Promise<string[]> {
  return withAliceImap(async (client) => {
    await client.mailboxOpen(folder, { readOnly: true });
    const message = await client.fetchOne('*', { flags: true });
    if (!message) throw new Error(`${folder} is empty`);
    return [...(message.flags ?? [])];
  });
}

async function withAccountPassword(db: Database, account: MailAccount, imapPassword: string): Promise<void> {
  await saveMailAccount(db, account.userId, {
    emailAddress: account.emailAddress,
    displayName: account.displayName,
    imap: { host: account.imapHost, port: account.imapPort, tls: account.imapTls, username: account.imapUsername, password: imapPassword },
    smtp: { host: account.smtpHost, port: account.smtpPort, tls: account.smtpTls, username: account.smtpUsername, password: alice.password },
    source: 'manual',
  });
}

describeOnEachDatabase('downloading attachments on demand', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('fetches files from the server byte for byte, leaves the message unseen and caches only the small one', async () => {
    const folder = uniqueFolder('fetch');
    const { account, byName } = await importedWithoutContent(handle.db, folder, messageWithAttachments('Contract'));
    const pdf = byName('contract.pdf');
    const notes = byName('notes.txt');
    // Below the PDF's size, so it stands for a file over the real 10 MB limit.
    const options = { cacheLimitBytes: 1024 * 1024 };

    const pdfResult = await loadAttachmentContent(handle.db, account.userId, pdf.id, options);
    expect(pdfResult).toMatchObject({ ok: true, filename: 'contract.pdf', contentType: 'application/pdf' });
    expect(pdfResult.ok && sha256(pdfResult.content)).toBe(sha256(pdfBytes));
    expect(await storedContent(handle.db, pdf.id)).toBeNull();

    const notesResult = await loadAttachmentContent(handle.db, account.userId, notes.id, options);
    expect(notesResult).toMatchObject({ ok: true, filename: 'notes.txt', contentType: 'text/plain' });
    expect(notesResult.ok && sha256(notesResult.content)).toBe(sha256(notesBytes));
    expect(sha256((await storedContent(handle.db, notes.id))!)).toBe(sha256(notesBytes));

    expect(await serverFlags(folder)).not.toContain('\\Seen');

    // With the server out of reach, the cached file still opens and the other one cannot.
    await handle.db.update(mailAccounts).set({ imapPort: await freePort() }).where(eq(mailAccounts.id, account.id));
    const cached = await loadAttachmentContent(handle.db, account.userId, notes.id, options);
    expect(cached.ok && sha256(cached.content)).toBe(sha256(notesBytes));
    expect(await loadAttachmentContent(handle.db, account.userId, pdf.id, options)).toMatchObject({ ok: false, kind: 'server' });
  });

  it('fetches part 1 of a single-part message as its whole body', async () => {
    const content = crypto.randomBytes(200_000);
    const folder = uniqueFolder('single');
    const { account, byName } = await importedWithoutContent(handle.db, folder, singlePartAttachment('Scan', content));
    const scan = byName('scan.bin');
    expect(scan.part).toBe('1');

    const result = await loadAttachmentContent(handle.db, account.userId, scan.id);
    expect(result.ok && sha256(result.content)).toBe(sha256(content));
    expect(await serverFlags(folder)).not.toContain('\\Seen');
  });

  it("answers not-found for another user's attachment exactly as for one that does not exist", async () => {
    const { account, byName } = await importedWithoutContent(handle.db, uniqueFolder('owner'), messageWithAttachments('Private'));
    // Another CRM user, even one connected to the very same mailbox, does not get this row.
    const other = await aliceAccountImporting(handle.db, []);
    const notFound = await loadAttachmentContent(handle.db, other.userId, byName('notes.txt').id);
    expect(notFound).toEqual(await loadAttachmentContent(handle.db, account.userId, crypto.randomUUID()));
    expect(notFound).toMatchObject({ ok: false, kind: 'not_found' });
    expect(await loadAttachmentContent(handle.db, account.userId, 'not-a-uuid')).toEqual(notFound);
    expect(await storedContent(handle.db, byName('notes.txt').id)).toBeNull();
  });

  it('reports a message expunged on the server as gone', async () => {
    const folder = uniqueFolder('expunged');
    const { account, byName } = await importedWithoutContent(handle.db, folder, messageWithAttachments('Expunged'));
    await withAliceImap(async (client) => {
      await client.mailboxOpen(folder);
      await client.messageDelete('1:*');
    });

    const result = await loadAttachmentContent(handle.db, account.userId, byName('notes.txt').id);
    expect(result).toEqual({ ok: false, kind: 'gone' });
  });

  it('reports a recreated folder (new UIDVALIDITY, same UID) and a deleted folder as gone', async () => {
    const folder = uniqueFolder('recreated');
    const { account, byName } = await importedWithoutContent(handle.db, folder, messageWithAttachments('Recreated'));
    const notes = byName('notes.txt');
    await withAliceImap((client) => client.mailboxDelete(folder));
    // The same message again gets UID 1 again: only UIDVALIDITY tells it is not the imported one.
    await deliverToMaildir(aliceMaildir, messageWithAttachments('Other message'), { folder, flags: '' });
    const [message] = await handle.db
      .select({ uidValidity: mailMessages.uidValidity, uid: mailMessages.uid })
      .from(mailMessages)
      .where(eq(mailMessages.accountId, account.id));
    const serverUidValidity = await withAliceImap(async (client) => {
      const status = await client.status(folder, { uidValidity: true });
      return status ? Number(status.uidValidity) : null;
    });
    expect(serverUidValidity).toEqual(expect.any(Number));
    expect(serverUidValidity).not.toBe(message!.uidValidity);

    expect(await loadAttachmentContent(handle.db, account.userId, notes.id)).toMatchObject({ ok: false, kind: 'gone' });

    await withAliceImap((client) => client.mailboxDelete(folder));
    expect(await loadAttachmentContent(handle.db, account.userId, notes.id)).toMatchObject({ ok: false, kind: 'gone' });
  });

  it('reports a part the message does not have as gone rather than serving nothing', async () => {
    const { account, byName } = await importedWithoutContent(handle.db, uniqueFolder('part'), messageWithAttachments('Parts'));
    const notes = byName('notes.txt');
    await handle.db.update(mailAttachments).set({ part: '9' }).where(eq(mailAttachments.id, notes.id));

    expect(await loadAttachmentContent(handle.db, account.userId, notes.id)).toMatchObject({ ok: false, kind: 'gone' });
    expect(await storedContent(handle.db, notes.id)).toBeNull();
  });

  it('asks the user to reconnect when the server refuses the saved password, without repeating the password', async () => {
    const { account, byName } = await importedWithoutContent(handle.db, uniqueFolder('auth'), messageWithAttachments('Auth'));
    const notes = byName('notes.txt');
    await withAccountPassword(handle.db, account, 'no-longer-the-password');

    const refused = await loadAttachmentContent(handle.db, account.userId, notes.id);
    expect(refused).toEqual({ ok: false, kind: 'auth' });
    expect(JSON.stringify(refused)).not.toContain('no-longer-the-password');

    // Once the importer marked the password as refused, no further login is tried, even with a right one.
    await withAccountPassword(handle.db, account, alice.password);
    await handle.db.update(mailAccounts).set({ status: 'auth_failed' }).where(eq(mailAccounts.id, account.id));
    expect(await loadAttachmentContent(handle.db, account.userId, notes.id)).toMatchObject({ ok: false, kind: 'auth' });
  });
});
