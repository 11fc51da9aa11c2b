import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailDraftAttachments, mailDrafts, type MailAccount, type MailAddressEntry, type MailDraft, type MailDraftKind } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { getMailAccount, mailboxCredentials } from '@/lib/mail/account';
import { htmlToPlainText, sanitizeMailHtml } from '@/lib/mail/html';
import { getMessage, loadAttachmentContent } from '@/lib/mail/mailbox';
import { getPreferences } from '@/lib/preferences/service';
import { buildMessage } from './mime';
import { deleteDraftCopy, replaceDraftCopy } from './mailbox-copies';
import { buildReply, escapeHtml, textToHtml, type QuoteLabels, type ReplyKind } from './reply';
import { senderOf } from './send';

/** Drafts the user can still change: not waiting to go, going, or gone. */
export const EDITABLE_STATES = ['draft', 'failed'] as const;

export function maxAttachmentBytes(): number {
  return env().mailMaxAttachmentMb * 1024 * 1024;
}

export async function requireAccount(db: Database, userId: string): Promise<MailAccount> {
  const account = await getMailAccount(db, userId);
  if (!account) throw new UserFacingError('compose.noAccount');
  return account;
}

function newMessageId(account: Pick<MailAccount, 'emailAddress'>): string {
  const domain = account.emailAddress.slice(account.emailAddress.lastIndexOf('@') + 1).toLowerCase() || 'crm-inbox.invalid';
  return `${crypto.randomUUID()}@${domain}`;
}

function signatureHtml(signature: string): string {
  return signature.trim() === '' ? '' : `<div class="crm-signature">-- <br>${textToHtml(signature)}</div>`;
}

export interface NewDraftInput {
  to?: MailAddressEntry[];
  cc?: MailAddressEntry[];
  bcc?: MailAddressEntry[];
  subject?: string;
}

/** A new, empty message with the signature in it; its Message-ID is fixed from here on. */
export async function createDraft(db: Database, userId: string, input: NewDraftInput = {}): Promise<MailDraft> {
  const account = await requireAccount(db, userId);
  const { signature } = await getPreferences(db, userId);
  const html = `<p><br></p>${signatureHtml(signature)}`;
  const [draft] = await db
    .insert(mailDrafts)
    .values({
      accountId: account.id,
      messageId: newMessageId(account),
      toAddresses: input.to ?? [],
      ccAddresses: input.cc ?? [],
      bccAddresses: input.bcc ?? [],
      subject: input.subject ?? '',
      html,
      text: htmlToPlainText(html),
      signatureApplied: signature.trim() !== '',
    })
    .returning();
  return draft!;
}

/** A reply, reply-all or forward of one of the user's messages, quoting it (and, forwarded, with its attachments). */
export async function createReplyDraft(db: Database, userId: string, sourceMessageId: string, kind: ReplyKind, labels: (original: { sender: string; date: Date }) => QuoteLabels): Promise<MailDraft> {
  const account = await requireAccount(db, userId);
  const original = await getMessage(db, userId, sourceMessageId);
  if (!original) throw new UserFacingError('compose.originalGone');
  const sender = original.fromAddresses[0];
  const fields = buildReply(original, kind, account.emailAddress, labels({ sender: sender?.name || sender?.address || '', date: original.sentAt ?? original.receivedAt }));
  const { signature } = await getPreferences(db, userId);
  // Gmail's place for the signature: below the new text, above the quote.
  const html = fields.html.replace(/^<p><br><\/p>/, `<p><br></p>${signatureHtml(signature)}`);

  const files: { filename: string; contentType: string; content: Buffer }[] = [];
  if (kind === 'forward') {
    let total = 0;
    for (const attachment of original.attachments.filter((entry) => !entry.isInline)) {
      const loaded = await loadAttachmentContent(db, userId, attachment.id);
      if (!loaded.ok) throw new UserFacingError('compose.forwardAttachmentUnavailable', { file: attachment.filename ?? '' });
      total += loaded.content.length;
      if (total > maxAttachmentBytes()) throw new UserFacingError('compose.attachmentsTooLarge', { limit: env().mailMaxAttachmentMb });
      files.push({ filename: attachment.filename ?? 'attachment', contentType: attachment.contentType, content: loaded.content });
    }
  }

  return db.transaction(async (tx) => {
    const [draft] = await tx
      .insert(mailDrafts)
      .values({
        accountId: account.id,
        messageId: newMessageId(account),
        kind: kind satisfies MailDraftKind,
        sourceMessageId: original.id,
        inReplyTo: fields.inReplyTo,
        references: fields.references,
        toAddresses: fields.to,
        ccAddresses: fields.cc,
        subject: fields.subject,
        html,
        text: htmlToPlainText(html),
        signatureApplied: signature.trim() !== '',
      })
      .returning();
    if (files.length > 0) await tx.insert(mailDraftAttachments).values(files.map((file) => ({ draftId: draft!.id, ...file, size: file.content.length })));
    return draft!;
  });
}

/** The user's own draft, or undefined (also for another user's id: one answer for both). */
export async function getOwnDraft(db: Database, userId: string, draftId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(draftId)) return undefined;
  const account = await getMailAccount(db, userId);
  if (!account) return undefined;
  const [draft] = await db.select().from(mailDrafts).where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.accountId, account.id)));
  if (!draft) return undefined;
  const attachments = await listDraftAttachments(db, draft.id);
  return { ...draft, attachments };
}

export type OwnDraft = NonNullable<Awaited<ReturnType<typeof getOwnDraft>>>;

export async function listDraftAttachments(db: Database, draftId: string) {
  return db
    .select({ id: mailDraftAttachments.id, filename: mailDraftAttachments.filename, contentType: mailDraftAttachments.contentType, size: mailDraftAttachments.size })
    .from(mailDraftAttachments)
    .where(eq(mailDraftAttachments.draftId, draftId))
    .orderBy(mailDraftAttachments.createdAt);
}

/** Drafts not yet sent, newest first, for the Drafts list. */
export async function listDrafts(db: Database, userId: string) {
  const account = await getMailAccount(db, userId);
  if (!account) return [];
  return db
    .select({ id: mailDrafts.id, subject: mailDrafts.subject, toAddresses: mailDrafts.toAddresses, state: mailDrafts.state, lastError: mailDrafts.lastError, updatedAt: mailDrafts.updatedAt })
    .from(mailDrafts)
    .where(and(eq(mailDrafts.accountId, account.id), inArray(mailDrafts.state, ['draft', 'failed', 'unknown', 'scheduled', 'sending'])))
    .orderBy(desc(mailDrafts.updatedAt));
}

export interface DraftContent {
  to: MailAddressEntry[];
  cc: MailAddressEntry[];
  bcc: MailAddressEntry[];
  subject: string;
  html: string;
}

/** Saves what the composer holds; the HTML is sanitized here whatever the browser sent. Null when the draft can no longer change. */
export async function saveDraftContent(db: Database, userId: string, draftId: string, content: DraftContent): Promise<{ revision: number } | null> {
  const account = await requireAccount(db, userId);
  const { html } = sanitizeMailHtml(content.html);
  const [saved] = await db
    .update(mailDrafts)
    .set({
      toAddresses: content.to,
      ccAddresses: content.cc,
      bccAddresses: content.bcc,
      subject: content.subject,
      html,
      text: htmlToPlainText(html),
      revision: sql`${mailDrafts.revision} + 1`,
      // An edit after a failure starts over: the error was about the earlier content.
      state: 'draft',
      updatedAt: new Date(),
    })
    .where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.accountId, account.id), inArray(mailDrafts.state, [...EDITABLE_STATES])))
    .returning({ revision: mailDrafts.revision });
  return saved ?? null;
}

/**
 * Puts the current revision into the server's Drafts folder (and removes the copy it replaces), so the
 * draft is also in the mailbox, for other mail programs. Never throws: the database copy is the one
 * the app works from, and the next save tries again.
 */
export async function syncDraftCopy(db: Database, draftId: string): Promise<void> {
  try {
    const [draft] = await db.select().from(mailDrafts).where(eq(mailDrafts.id, draftId));
    if (!draft || draft.serverDraftRevision >= draft.revision || !(EDITABLE_STATES as readonly string[]).includes(draft.state)) return;
    const [account] = await db.query.mailAccounts.findMany({ where: (table, { eq: equals }) => equals(table.id, draft.accountId), with: { user: true } });
    if (!account) return;
    const credentials = await mailboxCredentials(db, account);
    const files = await db.select().from(mailDraftAttachments).where(eq(mailDraftAttachments.draftId, draft.id));
    const built = await buildMessage(draft, files, senderOf(account, account.user), new Date());
    const copy = await replaceDraftCopy(credentials.imap, built.copySource, { folder: draft.serverDraftFolder, uid: draft.serverDraftUid, uidValidity: draft.serverDraftUidValidity });
    if (!copy) return;
    await db
      .update(mailDrafts)
      .set({ serverDraftFolder: copy.folder, serverDraftUid: copy.uid, serverDraftUidValidity: copy.uidValidity, serverDraftRevision: draft.revision })
      .where(eq(mailDrafts.id, draft.id));
  } catch (error) {
    log('warn', 'saving the draft to the Drafts folder failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Throws the draft away, with its copy in Drafts. Only while it can still change. */
export async function discardDraft(db: Database, userId: string, draftId: string): Promise<boolean> {
  const account = await requireAccount(db, userId);
  const [removed] = await db
    .delete(mailDrafts)
    .where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.accountId, account.id), inArray(mailDrafts.state, [...EDITABLE_STATES, 'unknown'])))
    .returning();
  if (!removed) return false;
  await mailboxCredentials(db, account).then((credentials) => deleteDraftCopy(credentials.imap, { folder: removed.serverDraftFolder, uid: removed.serverDraftUid, uidValidity: removed.serverDraftUidValidity })).catch((error: unknown) =>
    log('warn', 'removing the draft from the Drafts folder failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  return true;
}

/**
 * Starts a file: its declared size counts against MAIL_MAX_ATTACHMENT_MB at once, and its bytes
 * arrive in chunks (first one here), so no single request is larger than a proxy or platform
 * accepts (Next's proxy buffers 10 MB of a body, Vercel takes 4.5 MB).
 */
export async function addDraftAttachment(db: Database, userId: string, draftId: string, file: { filename: string; contentType: string; size: number; firstChunk: Buffer }) {
  const draft = await getOwnDraft(db, userId, draftId);
  if (!draft || !(EDITABLE_STATES as readonly string[]).includes(draft.state)) throw new UserFacingError('compose.draftGone');
  const total = draft.attachments.reduce((sum, entry) => sum + entry.size, 0) + file.size;
  if (total > maxAttachmentBytes()) throw new UserFacingError('compose.attachmentsTooLarge', { limit: env().mailMaxAttachmentMb });
  if (file.firstChunk.length > file.size) throw new UserFacingError('compose.attachmentIncomplete');
  const [row] = await db
    .insert(mailDraftAttachments)
    .values({ draftId, filename: file.filename.slice(0, 255) || 'attachment', contentType: file.contentType || 'application/octet-stream', size: file.size, content: file.firstChunk })
    .returning({ id: mailDraftAttachments.id, filename: mailDraftAttachments.filename, contentType: mailDraftAttachments.contentType, size: mailDraftAttachments.size });
  await db.update(mailDrafts).set({ revision: sql`${mailDrafts.revision} + 1`, updatedAt: new Date() }).where(eq(mailDrafts.id, draftId));
  return { ...row!, received: file.firstChunk.length };
}

/** Appends the next chunk of a file, only at the offset where the stored bytes end (a repeated chunk is not added twice). */
export async function appendDraftAttachmentChunk(db: Database, userId: string, draftId: string, attachmentId: string, offset: number, chunk: Buffer): Promise<{ received: number }> {
  const draft = await getOwnDraft(db, userId, draftId);
  if (!draft || !(EDITABLE_STATES as readonly string[]).includes(draft.state)) throw new UserFacingError('compose.draftGone');
  const [updated] = await db
    .update(mailDraftAttachments)
    .set({ content: sql`${mailDraftAttachments.content} || ${chunk}` })
    .where(
      and(
        eq(mailDraftAttachments.id, attachmentId),
        eq(mailDraftAttachments.draftId, draftId),
        sql`octet_length(${mailDraftAttachments.content}) = ${offset}`,
        sql`${offset + chunk.length} <= ${mailDraftAttachments.size}`,
      ),
    )
    .returning({ received: sql<number>`octet_length(${mailDraftAttachments.content})` });
  if (!updated) throw new UserFacingError('compose.attachmentIncomplete');
  return { received: Number(updated.received) };
}

export async function removeDraftAttachment(db: Database, userId: string, draftId: string, attachmentId: string): Promise<void> {
  const draft = await getOwnDraft(db, userId, draftId);
  if (!draft || !(EDITABLE_STATES as readonly string[]).includes(draft.state)) throw new UserFacingError('compose.draftGone');
  await db.delete(mailDraftAttachments).where(and(eq(mailDraftAttachments.id, attachmentId), eq(mailDraftAttachments.draftId, draftId)));
  await db.update(mailDrafts).set({ revision: sql`${mailDrafts.revision} + 1`, updatedAt: new Date() }).where(eq(mailDrafts.id, draftId));
}

export { escapeHtml };
