import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Database } from '@/db';
import type { DatabaseHandle } from '@/db/client';
import { documents, mailAccountSync, mailAttachments, mailMessages, type MailAccount } from '@/db/schema';
import { createCompany, companyFieldsSchema } from '@/lib/crm/companies';
import { contactFieldsSchema, createContact } from '@/lib/crm/contacts';
import {
  archiveAttachment,
  archivedMarkers,
  archiveMessages,
  archiveSentMessage,
  deleteDocument,
  getDocument,
  getDocumentAttachment,
  getDocumentFile,
  listNotArchived,
  purgeDeletedDocuments,
  restoreDocument,
  suggestLinks,
} from '@/lib/crm/documents';
import { createSale, saleFieldsSchema } from '@/lib/crm/sales';
import { globalSearch } from '@/lib/crm/search';
import { listTimeline } from '@/lib/crm/timeline';
import { deleteMailAccount } from '@/lib/mail/account';
import { runImportPass } from '@/lib/mail/sync';
import { createUser } from '@/lib/users/service';
import { describeOnEachDatabase } from '../harness/databases';
import { withImapClient } from '../harness/imap-client';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const aliceMaildir = servers.maildirs[alice.email]!;

beforeAll(() => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 7).toString('base64')}`;
});

const unique = () => crypto.randomBytes(4).toString('hex');
const noLinks = { companyIds: [], contactIds: [], projectIds: [], saleIds: [] };
const fields = { subject: '', date: '', ourReference: '', yourReference: '', visibility: 'everyone' as const, completed: true, kind: undefined };

function mail(options: { from: string; subject: string; messageId: string; inReplyTo?: string; body?: string; attachment?: { name: string; content: Buffer } }): string {
  const boundary = `b-${unique()}`;
  const head = [
    `From: Dana Buyer <${options.from}>`,
    `To: Alice Example <${alice.email}>`,
    `Subject: ${options.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${options.messageId}>`,
    ...(options.inReplyTo ? [`In-Reply-To: <${options.inReplyTo}>`, `References: <${options.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
  ];
  if (!options.attachment) return [...head, 'Content-Type: text/html; charset=utf-8', '', options.body ?? '<p>Hello <b>Alice</b></p>', ''].join('\r\n');
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? 'See the attached offer.',
    `--${boundary}`,
    `Content-Type: application/pdf; name="${options.attachment.name}"`,
    `Content-Disposition: attachment; filename="${options.attachment.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    options.attachment.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function withAliceImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient({ host: 'localhost', port: servers.imapTlsPort, secure: true, auth: { user: alice.email, pass: alice.password } }, work);
}

/** The message as the server holds it, for byte-for-byte comparison. */
async function serverSource(folder: string, messageId: string): Promise<Buffer> {
  return withAliceImap(async (client) => {
    await client.mailboxOpen(folder, { readOnly: true });
    const uids = (await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true })) || [];
    const message = await client.fetchOne(String(uids[0]), { source: true }, { uid: true });
    if (!message || !message.source) throw new Error('not on the server');
    return message.source;
  });
}

async function importFolder(db: Database, account: MailAccount): Promise<void> {
  await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));
  const summary = await runImportPass(db, { budgetMs: 60_000, workerId: 'archive-test', accountIds: [account.id] });
  expect(summary.accounts[0]?.outcome).toBe('ok');
}

async function messageRow(db: Database, account: MailAccount, messageId: string) {
  const [row] = await db
    .select({ id: mailMessages.id, messageId: mailMessages.messageId, threadId: mailMessages.threadId })
    .from(mailMessages)
    .where(and(eq(mailMessages.accountId, account.id), eq(mailMessages.messageId, messageId)));
  if (!row) throw new Error(`${messageId} was not imported`);
  return row;
}

/** A company with a domain, a contact at it with the sender's address, and an open sale: the CRM a salesperson has. */
async function crmFor(db: Database, viewer: { id: string }, domain: string, address: string) {
  const company = await createCompany(db, viewer, companyFieldsSchema.parse({ name: `Acme ${domain}`, domains: domain }));
  const contact = await createContact(db, viewer, contactFieldsSchema.parse({ firstName: 'Dana', lastName: `Buyer ${domain}`, companyId: company.id, emails: [address] }));
  const sale = await createSale(db, viewer, saleFieldsSchema.parse({ title: `Deal ${domain}`, companyId: company.id, contactId: contact.id, amount: '1000', currency: 'SEK', stage: 'proposal', probability: '50' }));
  return { company, contact, sale };
}

describeOnEachDatabase('archiving mail into the CRM', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('suggests the contact, its company and open sale with reasons; the document keeps the original byte for byte and shows on all three timelines', async () => {
    const db = handle.db;
    const folder = `Archive-${unique()}`;
    const domain = `acme-${unique()}.test`;
    const sender = `dana@${domain}`;
    const messageId = `${unique()}@${domain}`;
    await deliverToMaildir(aliceMaildir, mail({ from: sender, subject: 'Offer for Q3', messageId }), { folder, flags: '' });
    const account = await aliceAccountImporting(db, [folder]);
    const viewer = { id: account.userId };
    const { company, contact, sale } = await crmFor(db, viewer, domain, sender);
    await importFolder(db, account);
    const message = await messageRow(db, account, messageId);

    const proposal = await suggestLinks(db, viewer, [message.id]);
    expect(proposal).toMatchObject({ kind: 'email_in', subject: 'Offer for Q3', existingDocumentId: null });
    expect(proposal.suggestions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'contact', id: contact.id, strong: true, reason: { kind: 'contactAddress', address: sender } }),
        expect.objectContaining({ kind: 'company', id: company.id, strong: true, reason: expect.objectContaining({ kind: 'contactCompany' }) }),
        expect.objectContaining({ kind: 'sale', id: sale.id, strong: false, reason: expect.objectContaining({ kind: 'openSale' }) }),
      ]),
    );

    const [archived] = await archiveMessages(db, viewer, { ...fields, messageIds: [message.id], companyIds: [company.id], contactIds: [contact.id], projectIds: [], saleIds: [sale.id] });
    expect(archived).toMatchObject({ created: true });
    const file = await getDocumentFile(db, viewer, archived!.documentId);
    expect(file?.contentType).toBe('message/rfc822');
    expect(Buffer.compare(file!.content, await serverSource(folder, messageId))).toBe(0);

    for (const record of [{ kind: 'company' as const, id: company.id }, { kind: 'contact' as const, id: contact.id }, { kind: 'sale' as const, id: sale.id }]) {
      const timeline = await listTimeline(db, viewer, record, { kinds: ['email_archived'] });
      expect(timeline.items.map((entry) => entry.documentId)).toEqual([archived!.documentId]);
      expect(timeline.items[0]?.document).toMatchObject({ subject: 'Offer for Q3', kind: 'email_in', onlyMe: false });
    }
    const markers = await archivedMarkers(db, viewer, [message]);
    expect(markers.get(message.id)?.documentId).toBe(archived!.documentId);
    const search = await globalSearch(db, viewer, 'Offer Q3');
    expect(search.documents.map((hit) => hit.id)).toContain(archived!.documentId);
  });

  it('archiving the same message again, from another mailbox too, adds links to the one document', async () => {
    const db = handle.db;
    const folder = `Dedupe-${unique()}`;
    const domain = `dedupe-${unique()}.test`;
    const messageId = `${unique()}@${domain}`;
    await deliverToMaildir(aliceMaildir, mail({ from: `dana@${domain}`, subject: 'Twice', messageId }), { folder, flags: '' });
    const first = await aliceAccountImporting(db, [folder]);
    const second = await aliceAccountImporting(db, [folder]);
    await importFolder(db, first);
    await importFolder(db, second);
    const { company, contact } = await crmFor(db, { id: first.userId }, domain, `dana@${domain}`);

    const [a] = await archiveMessages(db, { id: first.userId }, { ...fields, messageIds: [(await messageRow(db, first, messageId)).id], ...noLinks, companyIds: [company.id] });
    const [b] = await archiveMessages(db, { id: second.userId }, { ...fields, messageIds: [(await messageRow(db, second, messageId)).id], ...noLinks, contactIds: [contact.id] });
    expect(b).toEqual({ documentId: a!.documentId, created: false });
    expect(await db.select({ id: documents.id }).from(documents).where(eq(documents.messageIdHeader, messageId))).toHaveLength(1);
    expect((await getDocument(db, { id: first.userId }, a!.documentId))?.links.map((link) => link.id).sort()).toEqual([company.id, contact.id].sort());
  });

  it('an "only me" document is invisible to another user everywhere', async () => {
    const db = handle.db;
    const folder = `Private-${unique()}`;
    const domain = `private-${unique()}.test`;
    const messageId = `${unique()}@${domain}`;
    await deliverToMaildir(aliceMaildir, mail({ from: `dana@${domain}`, subject: 'Confidential salary talk', messageId }), { folder, flags: '' });
    const account = await aliceAccountImporting(db, [folder]);
    const owner = { id: account.userId };
    const other = await createUser(db, { name: 'Other', email: `other-${unique()}@crm.test`, password: 'other password 1', role: 'member' });
    const { company } = await crmFor(db, owner, domain, `dana@${domain}`);
    await importFolder(db, account);
    const message = await messageRow(db, account, messageId);
    const [archived] = await archiveMessages(db, owner, { ...fields, visibility: 'only_me', messageIds: [message.id], ...noLinks, companyIds: [company.id] });
    const documentId = archived!.documentId;

    expect(await getDocument(db, owner, documentId)).toBeDefined();
    expect(await getDocument(db, other, documentId)).toBeUndefined();
    expect(await getDocumentFile(db, other, documentId)).toBeUndefined();
    const timeline = (viewer: { id: string }) => listTimeline(db, viewer, { kind: 'company', id: company.id }, { kinds: ['email_archived'] });
    expect((await timeline(owner)).items).toHaveLength(1);
    expect((await timeline(other)).items).toHaveLength(0);
    expect((await globalSearch(db, other, 'Confidential salary')).documents).toHaveLength(0);
    expect((await globalSearch(db, owner, 'Confidential salary')).documents).toHaveLength(1);
    expect((await archivedMarkers(db, other, [message])).size).toBe(0);
  });

  it('the document survives the message being deleted on the server and the mail account being removed', async () => {
    const db = handle.db;
    const folder = `Survive-${unique()}`;
    const messageId = `${unique()}@survive.test`;
    const pdf = crypto.randomBytes(40_000);
    await deliverToMaildir(aliceMaildir, mail({ from: 'dana@survive.test', subject: 'Keep me', messageId, attachment: { name: 'offer.pdf', content: pdf } }), { folder, flags: '' });
    const account = await aliceAccountImporting(db, [folder]);
    const viewer = { id: account.userId };
    await importFolder(db, account);
    const original = await serverSource(folder, messageId);
    const [archived] = await archiveMessages(db, viewer, { ...fields, messageIds: [(await messageRow(db, account, messageId)).id], ...noLinks });

    await withAliceImap(async (client) => {
      await client.mailboxOpen(folder);
      await client.messageDelete('1:*');
    });
    await importFolder(db, account);
    expect(await deleteMailAccount(db, account.userId)).toBe(true);

    const document = await getDocument(db, viewer, archived!.documentId);
    expect(document).toMatchObject({ subject: 'Keep me', kind: 'email_in' });
    expect(Buffer.compare((await getDocumentFile(db, viewer, archived!.documentId))!.content, original)).toBe(0);
    const attachment = document!.attachments.find((entry) => entry.filename === 'offer.pdf');
    expect(Buffer.compare((await getDocumentAttachment(db, viewer, attachment!.id))!.content, pdf)).toBe(0);
  });

  it('archives one attachment as a document of its own and marks it on the message', async () => {
    const db = handle.db;
    const folder = `Attachment-${unique()}`;
    const messageId = `${unique()}@attach.test`;
    const pdf = crypto.randomBytes(30_000);
    await deliverToMaildir(aliceMaildir, mail({ from: 'dana@attach.test', subject: 'Signed contract', messageId, attachment: { name: 'contract.pdf', content: pdf } }), { folder, flags: '' });
    const account = await aliceAccountImporting(db, [folder]);
    const viewer = { id: account.userId };
    await importFolder(db, account);
    const message = await messageRow(db, account, messageId);
    const [attachment] = await db.select().from(mailAttachments).where(and(eq(mailAttachments.messageId, message.id), eq(mailAttachments.filename, 'contract.pdf')));

    const archived = await archiveAttachment(db, viewer, { ...fields, attachmentId: attachment!.id, ...noLinks });
    const document = await getDocument(db, viewer, archived.documentId);
    expect(document).toMatchObject({ kind: 'file', subject: 'contract.pdf', filename: 'contract.pdf', contentType: 'application/pdf' });
    expect(Buffer.compare((await getDocumentFile(db, viewer, archived.documentId))!.content, pdf)).toBe(0);
    const markers = await archivedMarkers(db, viewer, [message]);
    expect(markers.get(`${message.id}:${attachment!.part}`)?.documentId).toBe(archived.documentId);
    expect(markers.has(message.id)).toBe(false);
    // Archiving it again opens the same document.
    expect(await archiveAttachment(db, viewer, { ...fields, attachmentId: attachment!.id, ...noLinks })).toEqual({ documentId: archived.documentId, created: false });
  });

  it('a reply to archived mail is proposed with its links; not-archived lists mail with known contacts until archived', async () => {
    const db = handle.db;
    const folder = `Thread-${unique()}`;
    const domain = `thread-${unique()}.test`;
    const sender = `dana@${domain}`;
    const firstId = `${unique()}@${domain}`;
    const replyId = `${unique()}@${domain}`;
    await deliverToMaildir(aliceMaildir, mail({ from: sender, subject: 'Project kickoff', messageId: firstId }), { folder, flags: '' });
    await deliverToMaildir(aliceMaildir, mail({ from: sender, subject: 'Re: Project kickoff', messageId: replyId, inReplyTo: firstId }), { folder, flags: '' });
    const account = await aliceAccountImporting(db, [folder]);
    const viewer = { id: account.userId };
    const { sale, contact } = await crmFor(db, viewer, domain, sender);
    await importFolder(db, account);
    const first = await messageRow(db, account, firstId);
    const reply = await messageRow(db, account, replyId);

    const before = await listNotArchived(db, viewer, { contactId: contact.id });
    expect(before.map((entry) => entry.id).sort()).toEqual([first.id, reply.id].sort());

    await archiveMessages(db, viewer, { ...fields, messageIds: [first.id], ...noLinks, saleIds: [sale.id] });
    const proposal = await suggestLinks(db, viewer, [reply.id]);
    expect(proposal.suggestions[0]).toMatchObject({ kind: 'sale', id: sale.id, strong: true, reason: { kind: 'repliedTo', subject: 'Project kickoff' } });

    const after = await listNotArchived(db, viewer, { contactId: contact.id });
    expect(after.map((entry) => entry.id)).toEqual([reply.id]);
  });

  it('delete hides a document at once, undo brings it back, and the purge removes it after the undo time', async () => {
    const db = handle.db;
    const viewer = await createUser(db, { name: 'Deleter', email: `deleter-${unique()}@crm.test`, password: 'deleter password 1', role: 'member' });
    const messageId = `${unique()}@sent.test`;
    const source = Buffer.from(
      [`From: Alice <${alice.email}>`, 'To: Dana <dana@sent.test>', 'Subject: Sent from the CRM', `Message-ID: <${messageId}>`, `Date: ${new Date().toUTCString()}`, '', 'Hello', ''].join('\r\n'),
    );
    const archived = await archiveSentMessage(db, viewer, source, { visibility: 'everyone', ourReference: 'Q-1', yourReference: '', completed: true }, noLinks);
    expect((await getDocument(db, viewer, archived.documentId))?.kind).toBe('email_out');
    // The same sent message archived twice is one document.
    expect((await archiveSentMessage(db, viewer, source, { visibility: 'everyone', ourReference: '', yourReference: '', completed: true }, noLinks)).documentId).toBe(archived.documentId);

    await deleteDocument(db, viewer, archived.documentId);
    expect(await getDocument(db, viewer, archived.documentId)).toBeUndefined();
    await restoreDocument(db, viewer, archived.documentId);
    expect(await getDocument(db, viewer, archived.documentId)).toBeDefined();

    await deleteDocument(db, viewer, archived.documentId);
    expect(await purgeDeletedDocuments(db, new Date())).toBe(0);
    expect(await purgeDeletedDocuments(db, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await db.select({ id: documents.id }).from(documents).where(eq(documents.id, archived.documentId))).toHaveLength(0);
  });
});
