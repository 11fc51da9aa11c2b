import 'server-only';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { ListResponse } from 'imapflow';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Database } from '@/db';
import type { MailAccount, User } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { EnvelopeError, KeyringError } from '@/lib/crypto/envelope';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { getPreferences } from '@/lib/preferences/service';
import { getMailAccount, mailboxCredentials, MailboxSignInError, type MailboxCredentials, type MailServerSettings } from '@/lib/mail/account';
import type { ComposedMessage, MailAddress } from './compose-schema';
import { MailHostNotFoundError, MailHostRefusedError, resolveMailHost, classifyMailError, smtpTransportOptions, type ConnectionTimeouts, type ServerSettings } from '@/lib/mail/transport';
import { fileSentCopy, storesSentMailItself } from './mailbox-copies';

/** What happened to the copy for the Sent folder; the message itself was sent in every case. */
export type SentCopyOutcome =
  | { status: 'saved'; folder: string }
  /** Gmail files what goes through its SMTP server by itself; a second copy would show up twice. */
  | { status: 'saved-by-provider' }
  | { status: 'no-sent-folder' }
  | { status: 'failed'; folder?: string };

export interface SendMailResult {
  messageId: string;
  acceptedRecipients: string[];
  /** Refused by the server while others were accepted: the message went to everyone else. */
  rejectedRecipients: string[];
  sentCopy: SentCopyOutcome;
}

const TIMEOUTS: ConnectionTimeouts = {
  connectionMs: 15_000,
  greetingMs: 15_000,
  // Generous: a long message on a slow uplink is still being written when a shorter limit would hit.
  socketMs: 60_000,
};

/** Folder names mail programs use for sent mail, for servers that do not mark it with \Sent (RFC 6154). */
const COMMON_SENT_FOLDER_NAMES = ['Sent', 'Sent Items', 'Sent Messages', '[Gmail]/Sent Mail', 'Skickat', 'Skickade objekt'];

/**
 * Sends a message from the user's connected mailbox, then files a copy in its Sent folder.
 * Failures before the message left are thrown as UserFacingErrors that say what went wrong (and keep
 * nothing half-done); once it has left, the outcome is returned, with any trouble saving the copy in it.
 */
export async function sendMail(db: Database, user: Pick<User, 'id' | 'name'>, message: ComposedMessage): Promise<SendMailResult> {
  const account = await getMailAccount(db, user.id);
  if (!account) throw new UserFacingError('compose.noAccount');
  const credentials = await readCredentials(db, account);
  const { signature } = await getPreferences(db, user.id);

  const mail: Mail.Options = {
    from: senderOf(account, user),
    to: message.to.map(toNodemailerAddress),
    cc: message.cc.map(toNodemailerAddress),
    bcc: message.bcc.map(toNodemailerAddress),
    subject: message.subject,
    text: withSignature(message.body, signature),
    // Set here rather than left to nodemailer, so the copy in Sent is the same message (same id and date).
    messageId: newMessageId(account.emailAddress),
    date: new Date(),
  };

  const delivery = await deliver(mail, credentials.smtp, message);
  const sentCopy = await saveSentCopy(mail, credentials);
  return { messageId: String(mail.messageId), ...delivery, sentCopy };
}

/** The From of everything the user sends: the mailbox's display name, or the user's own name when it has none. */
export function senderOf(account: Pick<MailAccount, 'displayName' | 'emailAddress'>, user: Pick<User, 'name'>): Mail.Address {
  return { name: account.displayName.trim() || user.name, address: account.emailAddress };
}

/** Appends the signature below the conventional "-- " separator line, which mail programs recognise. */
export function withSignature(body: string, signature: string): string {
  if (signature.trim() === '') return body;
  const text = body.trimEnd();
  return text === '' ? `-- \n${signature}` : `${text}\n\n-- \n${signature}`;
}

async function readCredentials(db: Database, account: MailAccount): Promise<MailboxCredentials> {
  try {
    return await mailboxCredentials(db, account);
  } catch (error) {
    if (error instanceof MailboxSignInError) throw new UserFacingError('compose.signInRefused');
    // The key the passwords were sealed with is gone (rotated without keeping the old one).
    if (error instanceof EnvelopeError || error instanceof KeyringError) throw new UserFacingError('compose.credentialsUnreadable');
    throw error;
  }
}

function toNodemailerAddress({ name, address }: MailAddress): Mail.Address | string {
  return name ? { name, address } : address;
}

function newMessageId(fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || 'crm-inbox.invalid';
  return `<${crypto.randomUUID()}@${domain}>`;
}

function serverLabel(server: Pick<MailServerSettings, 'host' | 'port'>): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** The SSRF-checked address to connect to, or a UserFacingError that nothing was sent. */
async function connectAddressFor(server: MailServerSettings): Promise<ServerSettings> {
  try {
    const { address } = await resolveMailHost(server.host, { allowPrivate: env().mailAllowPrivateHosts });
    return { ...server, connectAddress: address };
  } catch (error) {
    if (error instanceof MailHostRefusedError) throw new UserFacingError('compose.hostRefused', { server: serverLabel(server) });
    if (error instanceof MailHostNotFoundError) throw new UserFacingError('compose.sendFailed.host_not_found', { server: serverLabel(server), detail: '' });
    throw error;
  }
}

async function deliver(
  mail: Mail.Options,
  smtp: MailServerSettings,
  message: ComposedMessage,
): Promise<Pick<SendMailResult, 'acceptedRecipients' | 'rejectedRecipients'>> {
  const transporter = nodemailer.createTransport(smtpTransportOptions(await connectAddressFor(smtp), TIMEOUTS));
  try {
    const info = await transporter.sendMail({ ...mail });
    return { acceptedRecipients: info.accepted.map(addressText), rejectedRecipients: info.rejected.map(addressText) };
  } catch (error) {
    throw sendFailure(error, smtp, message);
  } finally {
    transporter.close();
  }
}

function addressText(recipient: string | Mail.Address): string {
  return typeof recipient === 'string' ? recipient : recipient.address;
}

function sendFailure(error: unknown, smtp: MailServerSettings, message: ComposedMessage): UserFacingError {
  const rejected = rejectedRecipientsOf(error);
  if (rejected.length > 0) {
    // Marks the field the user has to correct: the first one holding a refused address.
    const refused = new Set(rejected.map((address) => address.toLowerCase()));
    const field = (['to', 'cc', 'bcc'] as const).find((name) => message[name].some(({ address }) => refused.has(address.toLowerCase()))) ?? 'to';
    return new UserFacingError('compose.recipientsRejected', { recipients: rejected.join(', '), count: rejected.length }, field);
  }
  const classified = classifyMailError(error, { protocol: 'smtp', tls: smtp.tls, host: smtp.host, port: smtp.port });
  log('warn', 'sending mail failed', { code: classified.code, detail: classified.message });
  return new UserFacingError(`compose.sendFailed.${classified.code}`, { server: serverLabel(smtp), detail: serverReplyOf(error) ?? classified.message });
}

/** nodemailer's EENVELOPE error when every recipient was refused lists them in `rejected`. */
function rejectedRecipientsOf(error: unknown): string[] {
  if (!(error instanceof Error) || !('rejected' in error) || !Array.isArray(error.rejected)) return [];
  return error.rejected.filter((recipient): recipient is string => typeof recipient === 'string');
}

/** The SMTP server's own words (e.g. "552 5.3.4 Message size exceeds fixed limit"), which say more than a code. */
function serverReplyOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('response' in error) || typeof error.response !== 'string') return undefined;
  return error.response.trim() || undefined;
}

// ---------------------------------------------------------------------------------------------
// The copy in Sent

/** Special-use \Sent first (RFC 6154), then the usual names in the order of COMMON_SENT_FOLDER_NAMES. */
export function findSentFolder(folders: Pick<ListResponse, 'path' | 'name' | 'specialUse'>[]): string | undefined {
  const marked = folders.find((folder) => folder.specialUse === '\\Sent');
  if (marked) return marked.path;
  for (const name of COMMON_SENT_FOLDER_NAMES) {
    const wanted = name.toLowerCase();
    // By path ("Sent") or, for servers that keep everything below INBOX ("INBOX.Sent"), by name.
    const found = folders.find((folder) => folder.path.toLowerCase() === wanted) ?? folders.find((folder) => folder.name.toLowerCase() === wanted);
    if (found) return found.path;
  }
  return undefined;
}

/** Never throws: the message has already been sent, and that must not be reported as a failure. */
async function saveSentCopy(mail: Mail.Options, credentials: { imap: MailServerSettings; smtp: MailServerSettings }): Promise<SentCopyOutcome> {
  if (storesSentMailItself(credentials)) return { status: 'saved-by-provider' };
  try {
    const folder = await fileSentCopy(credentials.imap, await sentCopyOf(mail), mail.date instanceof Date ? mail.date : new Date());
    return folder ? { status: 'saved', folder } : { status: 'no-sent-folder' };
  } catch (error) {
    const { imap } = credentials;
    const detail = classifyMailError(error, { protocol: 'imap', tls: imap.tls, host: imap.host, port: imap.port }).message;
    log('warn', 'message sent, but saving it to Sent failed', { detail });
    return { status: 'failed' };
  }
}

/**
 * The message as sent, plus the Bcc header the recipients never see, so the sender can look up whom
 * they copied. nodemailer's stream transport builds the same MIME message without sending it, Bcc kept.
 */
export async function sentCopyOf(mail: Mail.Options): Promise<Buffer> {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const { message } = await builder.sendMail({ ...mail });
  if (!Buffer.isBuffer(message)) throw new Error('the stream transport returned a stream despite buffer: true');
  return message;
}

// ---------------------------------------------------------------------------------------------
// Sending a built message (the outbox)

/**
 * Why a send did not complete. `failed`: the server refused, or the message never reached it, so
 * nothing went out. `unknown`: the whole message had been handed over when the connection broke or
 * timed out before the server's final answer, so it may have been accepted.
 */
export class DeliveryError extends Error {
  constructor(
    readonly outcome: 'failed' | 'unknown',
    readonly reason: UserFacingError,
  ) {
    super(reason.messageKey);
    this.name = 'DeliveryError';
  }
}

/** Sends a prepared MIME source to its envelope recipients through the user's SMTP server. */
export async function deliverSource(
  smtp: MailServerSettings,
  source: Buffer,
  envelope: { from: string; to: string[] },
  fields: Pick<ComposedMessage, 'to' | 'cc' | 'bcc'>,
): Promise<Pick<SendMailResult, 'acceptedRecipients' | 'rejectedRecipients'>> {
  let target: ServerSettings;
  try {
    target = await connectAddressFor(smtp);
  } catch (error) {
    throw new DeliveryError('failed', error instanceof UserFacingError ? error : new UserFacingError('compose.sendFailed.protocol', { server: serverLabel(smtp), detail: String(error) }));
  }
  const transporter = nodemailer.createTransport(smtpTransportOptions(target, TIMEOUTS));
  // The end of the message is handed to the socket when this stream ends: from then on the server
  // may have accepted it, and only its reply can say it did not.
  let handedOver = false;
  const stream = Readable.from([source]);
  stream.on('end', () => (handedOver = true));
  try {
    const info = await transporter.sendMail({ envelope, raw: stream });
    return { acceptedRecipients: info.accepted.map(addressText), rejectedRecipients: info.rejected.map(addressText) };
  } catch (error) {
    const answered = error instanceof Error && 'responseCode' in error && typeof error.responseCode === 'number';
    const reason = sendFailure(error, smtp, fields as ComposedMessage);
    if (handedOver && !answered) throw new DeliveryError('unknown', new UserFacingError('compose.outcomeUnknown', { server: serverLabel(smtp), detail: serverReplyOf(error) ?? (error instanceof Error ? error.message : String(error)) }));
    throw new DeliveryError('failed', reason);
  } finally {
    transporter.close();
  }
}
