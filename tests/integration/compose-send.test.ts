import crypto from 'node:crypto';
import net from 'node:net';
import { and, eq } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailDraftAttachments, mailDrafts, mailFolders, mailMessages, type User } from '@/db/schema';
import { saveMailAccount } from '@/lib/mail/account';
import {
  addDraftAttachment,
  appendDraftAttachmentChunk,
  createDraft,
  createReplyDraft,
  resolveUnknown,
  runDueSends,
  saveDraftContent,
  scheduleSend,
  setUndoSendSeconds,
  syncDraftCopy,
  undoSend,
  type QuoteLabels,
} from '@/lib/mail/compose';
import { runImportPass } from '@/lib/mail/sync';
import { createUser } from '@/lib/users/service';
import { freshPostgres } from '../harness/databases';
import { withImapClient } from '../harness/imap-client';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const bob = servers.users.find((user) => user.email === 'bob@example.test')!;
const tag = () => crypto.randomBytes(4).toString('hex');
const labels = (): QuoteLabels => ({ wrote: 'X wrote:', forwardedHeader: 'Forwarded message', from: 'From:', date: 'Date:', subject: 'Subject:', to: 'To:', cc: 'Cc:', formattedDate: 'today' });

/**
 * A TCP relay in front of Postfix's plain submission port: it can be stopped and started (the SMTP
 * server "down" for this test only; other test files share Postfix) and can swallow the server's
 * final answer to the message, as a connection that breaks at the worst moment.
 */
class SmtpRelay {
  port = 0;
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  swallowFinalReply = false;

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(servers.smtpPlainPort, servers.host);
      this.sockets.add(client).add(upstream);
      let messageEnded = false;
      let tail = '';
      client.on('data', (chunk) => {
        const seen = tail + chunk.toString('latin1');
        if (this.swallowFinalReply && seen.includes('\r\n.\r\n')) messageEnded = true;
        tail = seen.slice(-4);
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (messageEnded) {
          // Postfix has queued the message; the client never hears so.
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        a.on('close', () => b.destroy());
        a.on('error', () => b.destroy());
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, servers.host, resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

async function messagesWithId(owner: { email: string; password: string }, folder: string, messageId: string, expectAtLeast = 1, waitMs = 15_000): Promise<ParsedMail[]> {
  return withImapClient({ host: servers.host, port: servers.imapTlsPort, secure: true, auth: { user: owner.email, pass: owner.password } }, async (client) => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const lock = await client.getMailboxLock(folder);
      try {
        const uids = (await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true })) || [];
        if (uids.length >= expectAtLeast || Date.now() > deadline) {
          const found: ParsedMail[] = [];
          for (const uid of uids) {
            const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
            if (message && message.source) found.push(await simpleParser(message.source));
          }
          return found;
        }
      } finally {
        lock.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
}

let handle: DatabaseHandle;
let aliceUser: User;
let bobUser: User;
const relay = new SmtpRelay();

async function connect(user: User, mailbox: { email: string; password: string }, smtp: { port: number; tls: 'implicit' | 'none' }) {
  await saveMailAccount(handle.db, user.id, {
    emailAddress: mailbox.email,
    displayName: user.name,
    imap: { host: 'localhost', port: servers.imapTlsPort, tls: 'implicit', username: mailbox.email, password: mailbox.password },
    smtp: { host: 'localhost', port: smtp.port, tls: smtp.tls, username: mailbox.email, password: mailbox.password },
    source: 'manual',
  });
}

async function write(user: User, fields: { to: string; subject: string; html: string }) {
  const draft = await createDraft(handle.db, user.id);
  await saveDraftContent(handle.db, user.id, draft.id, { to: [{ name: '', address: fields.to }], cc: [], bcc: [], subject: fields.subject, html: fields.html });
  return draft;
}

async function sendNow(user: User, draftId: string) {
  await scheduleSend(handle.db, user.id, draftId);
  return runDueSends(handle.db);
}

async function state(draftId: string) {
  const [row] = await handle.db.select().from(mailDrafts).where(eq(mailDrafts.id, draftId));
  return row!;
}

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 9).toString('base64')}`;
  ({ handle } = await freshPostgres());
  await relay.start();
  aliceUser = await createUser(handle.db, { name: 'Alice Example', email: `alice-${tag()}@crm.test`, password: 'alice crm password', role: 'member' });
  bobUser = await createUser(handle.db, { name: 'Bob Example', email: `bob-${tag()}@crm.test`, password: 'bob crm password', role: 'member' });
  await connect(aliceUser, alice, { port: servers.smtpTlsPort, tls: 'implicit' });
  await connect(bobUser, bob, { port: servers.smtpTlsPort, tls: 'implicit' });
  for (const user of [aliceUser, bobUser]) await setUndoSendSeconds(handle.db, user.id, 0);
});
afterAll(async () => {
  await relay.stop();
  await handle?.close();
});

describe('replying through real Postfix and Dovecot', () => {
  it('a reply arrives threaded with the original, once, and is once in the sender’s Sent', async () => {
    const subject = `Offer ${tag()}`;
    const original = await write(aliceUser, { to: bob.email, subject, html: '<p>Hello <b>Bob</b></p>' });
    expect((await sendNow(aliceUser, original.id)).sent).toEqual([original.id]);
    expect(await messagesWithId(bob, 'INBOX', original.messageId)).toHaveLength(1);

    // Bob's CRM imports his INBOX and answers.
    await runImportPass(handle.db, { budgetMs: 30_000 });
    const copies = await handle.db.select().from(mailMessages).innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId)).where(and(eq(mailMessages.messageId, original.messageId), eq(mailFolders.specialUse, 'inbox')));
    expect(copies, 'the original was not imported into Bob’s CRM').toHaveLength(1);
    const bobsCopy = copies[0]!.mail_messages;
    const reply = await createReplyDraft(handle.db, bobUser.id, bobsCopy.id, 'reply', labels);
    expect(reply.subject).toBe(`Re: ${subject}`);
    expect(reply.toAddresses.map((entry) => entry.address)).toEqual([alice.email]);
    const outcome = await sendNow(bobUser, reply.id);
    expect(outcome.sent).toEqual([reply.id]);

    const [arrived, ...more] = await messagesWithId(alice, 'INBOX', reply.messageId);
    expect(more).toHaveLength(0);
    expect(arrived!.subject).toBe(`Re: ${subject}`);
    expect(arrived!.inReplyTo).toBe(`<${original.messageId}>`);
    expect([arrived!.references].flat()).toContain(`<${original.messageId}>`);
    expect(arrived!.html).toContain('<blockquote');
    expect(arrived!.text).toContain('Hello');

    expect(await messagesWithId(bob, 'Sent', reply.messageId)).toHaveLength(1);
    // The import after the send put it into Bob's Sent in the CRM, once.
    const inSent = await handle.db
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
      .where(and(eq(mailMessages.messageId, reply.messageId), eq(mailFolders.specialUse, 'sent')));
    expect(inSent).toHaveLength(1);
  });

  it('a forward carries the original’s attachment byte for byte', async () => {
    const bytes = crypto.randomBytes(300_000);
    const subject = `Contract ${tag()}`;
    const boundary = `b-${tag()}`;
    const messageId = `${tag()}@customer.test`;
    const raw = [
      'From: Carol <carol@customer.test>',
      `To: ${bob.email}`,
      `Subject: ${subject}`,
      `Message-ID: <${messageId}>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The contract is attached.',
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="contract.bin"',
      'Content-Disposition: attachment; filename="contract.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await deliverToMaildir(servers.maildirs[bob.email]!, raw, { flags: '' });
    await handle.db.update(mailAccountSync).set({ nextPassAt: new Date() });
    await runImportPass(handle.db, { budgetMs: 30_000 });
    const [original] = await handle.db.select().from(mailMessages).where(eq(mailMessages.messageId, messageId));
    expect(original).toBeDefined();

    const forward = await createReplyDraft(handle.db, bobUser.id, original!.id, 'forward', labels);
    expect(forward.subject).toBe(`Fwd: ${subject}`);
    await saveDraftContent(handle.db, bobUser.id, forward.id, { to: [{ name: '', address: alice.email }], cc: [], bcc: [], subject: forward.subject, html: forward.html });
    expect((await sendNow(bobUser, forward.id)).sent).toEqual([forward.id]);
    const [arrived] = await messagesWithId(alice, 'INBOX', forward.messageId);
    const attachment = arrived!.attachments.find((file) => file.filename === 'contract.bin');
    expect(attachment, 'the attachment did not arrive').toBeDefined();
    expect(Buffer.compare(attachment!.content, bytes)).toBe(0);
  });
});

describe('sending never loses and never doubles a message', () => {
  it('assembles a file sent in chunks byte for byte, and refuses a chunk at the wrong offset', async () => {
    const draft = await write(aliceUser, { to: bob.email, subject: `Chunks ${tag()}`, html: '<p>file</p>' });
    const bytes = crypto.randomBytes(10_000);
    const started = await addDraftAttachment(handle.db, aliceUser.id, draft.id, { filename: 'a.bin', contentType: 'application/octet-stream', size: bytes.length, firstChunk: bytes.subarray(0, 4_000) });
    expect(started.received).toBe(4_000);
    await expect(appendDraftAttachmentChunk(handle.db, aliceUser.id, draft.id, started.id, 0, bytes.subarray(4_000, 8_000))).rejects.toThrow();
    expect(await appendDraftAttachmentChunk(handle.db, aliceUser.id, draft.id, started.id, 4_000, bytes.subarray(4_000, 8_000))).toEqual({ received: 8_000 });
    expect(await appendDraftAttachmentChunk(handle.db, aliceUser.id, draft.id, started.id, 8_000, bytes.subarray(8_000))).toEqual({ received: 10_000 });
    const [row] = await handle.db.select().from(mailDraftAttachments).where(eq(mailDraftAttachments.id, started.id));
    expect(Buffer.compare(Buffer.from(row!.content), bytes)).toBe(0);
  });

  it('keeps a draft in the Drafts folder, replacing the old copy at each save', async () => {
    const draft = await write(aliceUser, { to: bob.email, subject: `Draft ${tag()}`, html: '<p>one</p>' });
    await syncDraftCopy(handle.db, draft.id);
    await saveDraftContent(handle.db, aliceUser.id, draft.id, { to: [{ name: '', address: bob.email }], cc: [], bcc: [], subject: 'changed', html: '<p>two</p>' });
    await syncDraftCopy(handle.db, draft.id);
    const copies = await messagesWithId(alice, 'Drafts', draft.messageId, 1, 0);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.subject).toBe('changed');
  });

  it('undo within the delay sends nothing', async () => {
    await setUndoSendSeconds(handle.db, aliceUser.id, 30);
    const draft = await write(aliceUser, { to: bob.email, subject: `Undo ${tag()}`, html: '<p>oops</p>' });
    await scheduleSend(handle.db, aliceUser.id, draft.id);
    expect((await runDueSends(handle.db)).sent).not.toContain(draft.id);
    expect(await undoSend(handle.db, aliceUser.id, draft.id)).toBe(true);
    expect((await state(draft.id)).state).toBe('draft');
    await setUndoSendSeconds(handle.db, aliceUser.id, 0);
  });

  it('SMTP stopped: the draft is kept with the error; after the restart it is sent exactly once', async () => {
    await connect(aliceUser, alice, { port: relay.port, tls: 'none' });
    await relay.stop();
    const draft = await write(aliceUser, { to: bob.email, subject: `Down ${tag()}`, html: '<p>patience</p>' });
    expect((await sendNow(aliceUser, draft.id)).failed).toEqual([draft.id]);
    const failed = await state(draft.id);
    expect(failed.state).toBe('failed');
    expect(failed.lastError?.key).toBe('compose.sendFailed.connection_refused');
    expect(failed.html).toContain('patience');

    await relay.start();
    // Two workers at once: the claim lets only one of them send.
    await scheduleSend(handle.db, aliceUser.id, draft.id);
    const [first, second] = await Promise.all([runDueSends(handle.db), runDueSends(handle.db)]);
    expect([...first.sent, ...second.sent]).toEqual([draft.id]);
    expect(await messagesWithId(bob, 'INBOX', draft.messageId)).toHaveLength(1);
    // Give a stray second delivery time to show up.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await messagesWithId(bob, 'INBOX', draft.messageId, 1, 0)).toHaveLength(1);
    expect(await messagesWithId(alice, 'Sent', draft.messageId, 1, 0)).toHaveLength(1);
  });

  it('a connection lost after the message was handed over is "unknown" and never sent again by itself', async () => {
    await connect(aliceUser, alice, { port: relay.port, tls: 'none' });
    relay.swallowFinalReply = true;
    const draft = await write(aliceUser, { to: bob.email, subject: `Unknown ${tag()}`, html: '<p>did it go?</p>' });
    try {
      expect(await sendNow(aliceUser, draft.id)).toEqual({ sent: [], failed: [], unknown: [draft.id] });
    } finally {
      relay.swallowFinalReply = false;
    }
    expect((await state(draft.id)).state).toBe('unknown');
    // Postfix did take it.
    expect(await messagesWithId(bob, 'INBOX', draft.messageId)).toHaveLength(1);
    // Workers leave it alone.
    expect(await runDueSends(handle.db)).toEqual({ sent: [], failed: [], unknown: [] });

    // A provider that files sent mail itself has it in Sent: "check and send" finds it and sends nothing.
    const copy = `Message-ID: <${draft.messageId}>\r\nFrom: ${alice.email}\r\nTo: ${bob.email}\r\nSubject: Unknown\r\n\r\ncopy\r\n`;
    await deliverToMaildir(servers.maildirs[alice.email]!, copy, { folder: 'Sent', flags: 'S' });
    expect(await resolveUnknown(handle.db, aliceUser.id, draft.id)).toBe('found-in-sent');
    expect((await state(draft.id)).state).toBe('sent');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesWithId(bob, 'INBOX', draft.messageId, 1, 0)).toHaveLength(1);
  });
});
