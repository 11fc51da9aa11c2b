import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAttachments, type MailAccount } from '@/db/schema';
import { EnvelopeError, KeyringError } from '@/lib/crypto/envelope';
import { log } from '@/lib/log';
import { getMailAccount, mailboxCredentials, MailboxSignInError } from '@/lib/mail/account';
import { ImapSession , MailHostNotFoundError, MailHostRefusedError , classifyMailError, type MailErrorCode } from '@/lib/mail/transport';
import { getAttachmentForUser, type OwnAttachment } from './queries';

/**
 * The bytes of an attachment for download. The importer stores only small inline images; everything
 * else is fetched from the mail server by its body part when it is first opened.
 */

/**
 * A file fetched from the server is kept in its row up to this size, so opening it again needs no
 * IMAP connection. Larger ones are fetched every time: they would grow the database more than all
 * the mail text does, and are seldom opened twice.
 */
export const MAX_CACHED_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export type AttachmentFailureKind =
  /** No such attachment, or another user's: one answer for both, so an id reveals nothing. */
  | 'not_found'
  /** The message, its folder or the part is no longer on the server (deleted, moved, folder recreated). */
  | 'gone'
  /** The server no longer accepts the saved password (or it can no longer be decrypted). */
  | 'auth'
  /** The server could not be reached, timed out or broke off. */
  | 'server';

export interface AttachmentContent {
  ok: true;
  filename: string | null;
  contentType: string;
  content: Buffer<ArrayBuffer>;
}

/** The user is told by kind (the `attachments` messages of lib/i18n); the technical reason goes to the log only. */
export interface AttachmentFailure {
  ok: false;
  kind: AttachmentFailureKind;
}

export interface LoadAttachmentOptions {
  /** Default MAX_CACHED_ATTACHMENT_BYTES. */
  cacheLimitBytes?: number;
}

/** The verify.ts codes that mean the login itself was refused: retrying without a reconnect cannot help. */
const LOGIN_REFUSED_CODES: ReadonlySet<MailErrorCode> = new Set(['auth_failed', 'app_password_required', 'imap_disabled']);

/** An attachment of one of the user's own messages, from the database or else from the mail server. */
export async function loadAttachmentContent(
  db: Database,
  userId: string,
  attachmentId: string,
  options: LoadAttachmentOptions = {},
): Promise<AttachmentContent | AttachmentFailure> {
  const attachment = await getAttachmentForUser(db, userId, attachmentId);
  if (!attachment) return failure('not_found');
  const found = (content: Buffer<ArrayBuffer>): AttachmentContent => ({ ok: true, filename: attachment.filename, contentType: attachment.contentType, content });
  // PGlite returns a plain Uint8Array.
  if (attachment.content) return found(Buffer.from(attachment.content));
  // Without a part number there is nothing to ask the server for.
  const part = attachment.part;
  if (!part) return failure('gone');

  const account = await getMailAccount(db, userId);
  if (!account) return failure('not_found');
  // The importer found the password refused: another failed login would only bring the server
  // closer to locking the account.
  if (account.status === 'auth_failed') return failure('auth');

  const fetched = await withDownloadConnection(account.id, () => fetchFromServer(db, account, attachmentId, { ...attachment, part }));
  if (!fetched.ok) return fetched;
  if (fetched.content.length <= (options.cacheLimitBytes ?? MAX_CACHED_ATTACHMENT_BYTES)) {
    // "content is null" leaves a row another download filled meanwhile alone; a message the importer
    // removed meanwhile simply has no row left to update.
    await db
      .update(mailAttachments)
      .set({ content: fetched.content })
      .where(and(eq(mailAttachments.id, attachmentId), isNull(mailAttachments.content)));
  }
  return found(fetched.content);
}

/**
 * IMAP connections one account may have open for downloads at once, in this process. A message
 * whose images are not stored makes the browser ask for several at the same moment, and providers
 * cap an account's connections (Gmail: 15 for everything the user runs, the importer included).
 */
export const MAX_DOWNLOAD_CONNECTIONS_PER_ACCOUNT = 2;

const downloadSlots = new Map<string, { active: number; waiting: (() => void)[] }>();

export async function withDownloadConnection<T>(accountId: string, work: () => Promise<T>): Promise<T> {
  let slots = downloadSlots.get(accountId);
  if (!slots) {
    slots = { active: 0, waiting: [] };
    downloadSlots.set(accountId, slots);
  }
  if (slots.active >= MAX_DOWNLOAD_CONNECTIONS_PER_ACCOUNT) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  slots.active++;
  try {
    return await work();
  } finally {
    slots.active--;
    const next = slots.waiting.shift();
    if (next) next();
    else if (slots.active === 0) downloadSlots.delete(accountId);
  }
}

async function fetchFromServer(
  db: Database,
  account: MailAccount,
  attachmentId: string,
  attachment: OwnAttachment & { part: string },
): Promise<{ ok: true; content: Buffer<ArrayBuffer> } | AttachmentFailure> {
  let session: ImapSession | undefined;
  try {
    session = await ImapSession.open((await mailboxCredentials(db, account)).imap);
    const content = await session.downloadPart(attachment.folderPath, attachment.uidValidity, attachment.uid, attachment.part);
    // Servers answer a part number the message does not have with an empty section, not an error.
    if (content === null || (content.length === 0 && attachment.size > 0)) return failure('gone');
    return { ok: true, content };
  } catch (error) {
    const { kind, reason } = classifyFailure(error, account);
    log('warn', 'fetching an attachment from the mail server failed', { attachmentId, accountId: account.id, kind, reason });
    return failure(kind);
  } finally {
    await session?.close();
  }
}

export function classifyFailure(error: unknown, account: MailAccount): { kind: 'auth' | 'server'; reason: string } {
  if (error instanceof EnvelopeError || error instanceof KeyringError) {
    return { kind: 'auth', reason: 'the stored mailbox password cannot be decrypted (the encryption key changed)' };
  }
  if (error instanceof MailboxSignInError) return { kind: 'auth', reason: error.message };
  if (error instanceof MailHostRefusedError || error instanceof MailHostNotFoundError) return { kind: 'server', reason: error.message };
  const classified = classifyMailError(error, { protocol: 'imap', tls: account.imapTls, host: account.imapHost, port: account.imapPort });
  return { kind: LOGIN_REFUSED_CODES.has(classified.code) ? 'auth' : 'server', reason: classified.message };
}

export function failure(kind: AttachmentFailureKind): AttachmentFailure {
  return { ok: false, kind };
}
