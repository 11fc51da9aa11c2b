import type { MailAddressEntry } from '@/db/schema';
import { forwardSubject, replySubject } from './subject';

/** What a reply or forward starts from: the stored (import-sanitized) original. */
export interface OriginalMessage {
  messageId: string | null;
  references: string[];
  subject: string;
  fromAddresses: MailAddressEntry[];
  toAddresses: MailAddressEntry[];
  ccAddresses: MailAddressEntry[];
  replyToAddresses: MailAddressEntry[];
  sentAt: Date | null;
  receivedAt: Date;
  htmlBody: string | null;
  textBody: string | null;
}

export type ReplyKind = 'reply' | 'reply_all' | 'forward';

/** The words of the quote header, in the user's language. */
export interface QuoteLabels {
  /** "On {date}, {sender} wrote:" already filled in. */
  wrote: string;
  forwardedHeader: string;
  from: string;
  date: string;
  subject: string;
  to: string;
  cc: string;
  formattedDate: string;
}

export interface ReplyFields {
  to: MailAddressEntry[];
  cc: MailAddressEntry[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
  html: string;
}

/** References keep the thread's root and the latest ids, as RFC 5322 suggests, within a sane header length. */
const MAX_REFERENCES = 20;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

export function formatAddress({ name, address }: MailAddressEntry): string {
  return name ? `${name} <${address}>` : address;
}

function uniqueWithout(entries: MailAddressEntry[], excluded: Set<string>): MailAddressEntry[] {
  const seen = new Set(excluded);
  const result: MailAddressEntry[] = [];
  for (const entry of entries) {
    const key = entry.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(entry);
  }
  return result;
}

/**
 * Recipients, subject, threading headers and quoted body of a reply, reply-all or forward. The
 * quoted HTML is the stored, import-sanitized body; the browser sanitizes it again before it
 * becomes editable.
 */
export function buildReply(original: OriginalMessage, kind: ReplyKind, ownAddress: string, labels: QuoteLabels): ReplyFields {
  const own = new Set([ownAddress.toLowerCase()]);
  const quotedBody = original.htmlBody ?? textToHtml(original.textBody ?? '');

  if (kind === 'forward') {
    const header = [
      `<p>---------- ${escapeHtml(labels.forwardedHeader)} ----------<br>`,
      `${escapeHtml(labels.from)} ${escapeHtml(original.fromAddresses.map(formatAddress).join(', '))}<br>`,
      `${escapeHtml(labels.date)} ${escapeHtml(labels.formattedDate)}<br>`,
      `${escapeHtml(labels.subject)} ${escapeHtml(original.subject)}<br>`,
      `${escapeHtml(labels.to)} ${escapeHtml(original.toAddresses.map(formatAddress).join(', '))}`,
      original.ccAddresses.length > 0 ? `<br>${escapeHtml(labels.cc)} ${escapeHtml(original.ccAddresses.map(formatAddress).join(', '))}` : '',
      '</p>',
    ].join('');
    return {
      to: [],
      cc: [],
      subject: forwardSubject(original.subject),
      // A forward starts a conversation of its own; Gmail and Outlook set no In-Reply-To on it either.
      inReplyTo: null,
      references: [],
      html: `<p><br></p><div class="crm-forward">${header}${quotedBody}</div>`,
    };
  }

  const replyTarget = original.replyToAddresses.length > 0 ? original.replyToAddresses : original.fromAddresses;
  // Replying to one's own message goes to its recipients, as Gmail does.
  const fromSelf = original.fromAddresses.some((entry) => own.has(entry.address.toLowerCase()));
  let to = fromSelf ? uniqueWithout(original.toAddresses, own) : uniqueWithout(replyTarget, own);
  let cc: MailAddressEntry[] = [];
  if (kind === 'reply_all') {
    const taken = new Set([...own, ...to.map((entry) => entry.address.toLowerCase())]);
    cc = uniqueWithout(fromSelf ? original.ccAddresses : [...original.toAddresses, ...original.ccAddresses], taken);
  }
  if (to.length === 0) to = uniqueWithout(replyTarget, new Set());

  const references = original.messageId ? [...original.references.filter((id) => id !== original.messageId), original.messageId] : [...original.references];
  const trimmed = references.length > MAX_REFERENCES ? [references[0]!, ...references.slice(-(MAX_REFERENCES - 1))] : references;
  return {
    to,
    cc,
    subject: replySubject(original.subject),
    inReplyTo: original.messageId,
    references: trimmed,
    html: `<p><br></p><div class="crm-quote"><p>${escapeHtml(labels.wrote)}</p><blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${quotedBody}</blockquote></div>`,
  };
}
