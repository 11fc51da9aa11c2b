import crypto from 'node:crypto';
import type { MailAddressEntry } from '@/db/schema';
import { normalizeMessageId, parseMessageIdList, threadIdFor } from './message-id';
import { parseMime, type MailAddress, type MimeAttachment, type MimeMessage } from './mime';
import { parseMailDate } from './date';
import { errorText } from '@/lib/log';
import { htmlToPlainText, sanitizeMailHtml } from '@/lib/mail/html';

/** The parser hands on attachment bytes up to this size; what the importer stores of them is decided there (storedAttachmentContent). */
export const MAX_STORED_ATTACHMENT_BYTES = 1024 * 1024;
export const SNIPPET_LENGTH = 200;
/** Bounds the search words of a huge message (Postgres refuses a tsvector over 1 MB); the start of a long mail is what people search for anyway. */
const MAX_SEARCH_TEXT_CHARS = 100_000;

/** Where the app serves a stored attachment; sanitised HTML points its `cid:` images here. */
export function attachmentUrl(attachmentId: string): string {
  return `/api/mail/attachments/${attachmentId}`;
}

export interface ParsedAttachment {
  /** Chosen here, before the insert, so the sanitised HTML can already link to the attachment. */
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  disposition: string | null;
  isInline: boolean;
  /** IMAP body part number, for fetching the content later. */
  part: string | null;
  /** Null when larger than MAX_STORED_ATTACHMENT_BYTES; the importer keeps even less (see import.ts). */
  content: Buffer | null;
}

export interface ParsedMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  threadId: string;
  from: MailAddressEntry[];
  to: MailAddressEntry[];
  cc: MailAddressEntry[];
  bcc: MailAddressEntry[];
  replyTo: MailAddressEntry[];
  subject: string;
  sentAt: Date | null;
  snippet: string;
  textBody: string | null;
  htmlBody: string | null;
  blockedRemoteImages: number;
  hasRemoteContent: boolean;
  hasAttachments: boolean;
  attachments: ParsedAttachment[];
  /** Set when the message could not be parsed completely; the fields above hold what could be read. */
  parseError: string | null;
  /** Subject, addresses and text, for the full-text index. */
  searchText: string;
}

/** The MIME parser; replaceable so tests can make parsing fail. */
export type MessageParser = (source: Buffer) => MimeMessage;

/**
 * Turns a message source into the columns the importer stores. Never throws: a message that cannot
 * be parsed comes back with whatever its headers gave and `parseError` set, so one broken message
 * never stops the import of its folder.
 */
export function parseMessage(source: Buffer, parse: MessageParser = parseMime, urlForAttachment: (attachmentId: string) => string = attachmentUrl): ParsedMessage {
  let parsed: MimeMessage;
  try {
    parsed = parse(source);
  } catch (error) {
    return fromHeadersOnly(source, `could not parse the message: ${errorText(error)}`, parse);
  }
  try {
    return buildParsedMessage(parsed, urlForAttachment);
  } catch (error) {
    return fromHeadersOnly(source, `could not read the parsed message: ${errorText(error)}`, parse);
  }
}

function buildParsedMessage(parsed: MimeMessage, urlForAttachment: (attachmentId: string) => string): ParsedMessage {
  const headers = threadingHeaders(parsed);
  const attachments = parsed.attachments.map(toParsedAttachment);
  // An HTML-only message has no text: then the readable text comes from the HTML.
  const textBody = parsed.text?.trim() ? cleanText(parsed.text) : null;
  const rawHtml = parsed.html === null ? null : cleanText(parsed.html);

  let htmlBody: string | null = null;
  let blockedRemoteImages = 0;
  let hasRemoteContent = false;
  let parseError: string | null = parsed.problem === null ? null : `could not parse the whole message: ${parsed.problem}`;
  if (rawHtml !== null) {
    try {
      const sanitized = sanitizeMailHtml(rawHtml, { cidUrl: cidResolver(attachments, urlForAttachment) });
      htmlBody = sanitized.html;
      blockedRemoteImages = sanitized.blockedRemoteImages;
      hasRemoteContent = sanitized.hasRemoteContent;
    } catch (error) {
      // Never store HTML that was not sanitised; the text (and the raw source) still show the message.
      parseError = `could not sanitise the HTML body: ${errorText(error)}`;
    }
  }

  const readableText = textBody ?? (rawHtml !== null ? htmlToPlainText(rawHtml) : '');
  const addresses = addressesOf(parsed);
  const subject = cleanText(parsed.subject ?? '');
  return {
    ...headers,
    ...addresses,
    subject,
    sentAt: validDate(parsed.date),
    snippet: snippetOf(readableText),
    textBody,
    htmlBody,
    blockedRemoteImages,
    hasRemoteContent,
    hasAttachments: attachments.some((attachment) => !attachment.isInline),
    attachments,
    parseError,
    searchText: searchTextOf(subject, addresses, readableText),
  };
}

type RawThreadingHeaders = Partial<Pick<MimeMessage, 'messageId' | 'inReplyTo' | 'references'>>;

function threadingHeaders(parsed: RawThreadingHeaders) {
  const messageId = normalizeMessageId(idText(parsed.messageId ?? '', MAX_ID_LENGTH));
  // In-Reply-To may list several ids; the last is the direct parent when it does.
  const inReplyTo = parseMessageIdList(parsed.inReplyTo ? idText(parsed.inReplyTo, MAX_ID_LIST_LENGTH) : null).at(-1) ?? null;
  const references = parseMessageIdList((parsed.references ?? []).map((text) => idText(text, MAX_ID_LIST_LENGTH)));
  return { messageId, inReplyTo, references, threadId: threadIdFor({ messageId, inReplyTo, references }) };
}

function toParsedAttachment(attachment: MimeAttachment): ParsedAttachment {
  return {
    id: crypto.randomUUID(),
    filename: attachment.filename ? cleanText(attachment.filename) : null,
    contentType: cleanText(attachment.contentType || 'application/octet-stream'),
    size: attachment.size,
    contentId: attachment.contentId ? normalizeMessageId(idText(attachment.contentId, MAX_ID_LENGTH)) : null,
    disposition: attachment.disposition ? cleanText(attachment.disposition) : null,
    isInline: attachment.related,
    part: attachment.partId,
    content: attachment.size <= MAX_STORED_ATTACHMENT_BYTES ? attachment.content : null,
  };
}

/** No real id is longer than a header line may be. */
const MAX_ID_LENGTH = 998;
/** Far more than the References of any real thread. */
const MAX_ID_LIST_LENGTH = 64 * 1024;

/**
 * Id text as message-id.ts gets it: without U+0000, bounded, and without words longer than any id
 * could be. Its expressions take quadratic time on pathological words (a run of thousands of ">"),
 * and the text is the sender's.
 */
function idText(text: string, maxLength: number): string {
  const bounded = cleanText(text.length > maxLength ? text.slice(0, maxLength) : text);
  return bounded.length > MAX_ID_LENGTH ? bounded.split(/\s+/).filter((word) => word.length <= MAX_ID_LENGTH).join(' ') : bounded;
}

function cidResolver(attachments: readonly ParsedAttachment[], urlForAttachment: (attachmentId: string) => string): (contentId: string) => string | null {
  const byContentId = new Map<string, ParsedAttachment>();
  for (const attachment of attachments) {
    if (attachment.contentId !== null && !byContentId.has(attachment.contentId)) byContentId.set(attachment.contentId, attachment);
  }
  return (contentId) => {
    let reference = idText(contentId.trim().replace(/^cid:/i, ''), MAX_ID_LENGTH);
    try {
      reference = decodeURIComponent(reference);
    } catch {
      // Not percent-encoded after all: use it as written.
    }
    const normalized = normalizeMessageId(reference);
    const attachment = normalized === null ? undefined : byContentId.get(normalized);
    return attachment ? urlForAttachment(attachment.id) : null;
  };
}

function addressesOf(parsed: Partial<Pick<MimeMessage, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>>): Pick<ParsedMessage, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'> {
  return {
    from: addressEntries(parsed.from),
    to: addressEntries(parsed.to),
    cc: addressEntries(parsed.cc),
    bcc: addressEntries(parsed.bcc),
    replyTo: addressEntries(parsed.replyTo),
  };
}

function addressEntries(addresses: readonly MailAddress[] | undefined): MailAddressEntry[] {
  const entries: MailAddressEntry[] = [];
  for (const address of addresses ?? []) {
    const entry = { name: cleanText(address.name).trim(), address: cleanText(address.address).trim() };
    if (entry.name !== '' || entry.address !== '') entries.push(entry);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// When the parser gives up

/**
 * The best the headers can give: the parser again on the header block alone (a broken body is the
 * usual reason for a failure), and when even that fails, a few headers read by hand.
 */
function fromHeadersOnly(source: Buffer, parseError: string, parse: MessageParser): ParsedMessage {
  const headerBlock = headerBlockOf(source);
  let parsed: RawThreadingHeaders & Partial<Pick<MimeMessage, 'subject' | 'date' | 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>>;
  try {
    parsed = parse(Buffer.concat([headerBlock, Buffer.from('\r\n\r\n')]));
  } catch {
    const fields = readRawHeaders(headerBlock);
    const references = fields.get('references');
    parsed = {
      messageId: fields.get('message-id') ?? null,
      inReplyTo: fields.get('in-reply-to') ?? null,
      references: references === undefined ? [] : [references],
      subject: fields.get('subject') ?? null,
      date: parseMailDate(fields.get('date') ?? ''),
    };
  }
  let headers: ReturnType<typeof threadingHeaders>;
  let addresses: Pick<ParsedMessage, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>;
  let subject: string;
  try {
    headers = threadingHeaders(parsed);
    addresses = addressesOf(parsed);
    subject = cleanText(parsed.subject ?? '');
  } catch {
    headers = threadingHeaders({});
    addresses = { from: [], to: [], cc: [], bcc: [], replyTo: [] };
    subject = '';
  }
  return {
    ...headers,
    ...addresses,
    subject,
    sentAt: validDate(parsed.date),
    snippet: '',
    textBody: null,
    htmlBody: null,
    blockedRemoteImages: 0,
    hasRemoteContent: false,
    hasAttachments: false,
    attachments: [],
    parseError,
    searchText: searchTextOf(subject, addresses, ''),
  };
}

function headerBlockOf(source: Buffer): Buffer {
  const text = source.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end === -1 ? source : source.subarray(0, end);
}

/** Unfolded header fields by lower-cased name (the first occurrence wins), as latin1 text. */
function readRawHeaders(headerBlock: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = headerBlock.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, cleanText(line.slice(colon + 1).trim()));
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/** Postgres text and jsonb cannot hold U+0000, which broken messages do contain. */
function cleanText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

function validDate(date: Date | null | undefined): Date | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date : null;
}

function snippetOf(text: string): string {
  const collapsed = collapsedStart(text, SNIPPET_LENGTH * 2);
  // By code points, so a cut never splits a surrogate pair (an emoji) in two.
  const codePoints = Array.from(collapsed.slice(0, SNIPPET_LENGTH * 2));
  return codePoints.length > SNIPPET_LENGTH ? codePoints.slice(0, SNIPPET_LENGTH).join('') : codePoints.join('');
}

/**
 * The start of the text with whitespace runs collapsed and trimmed, at least `length` characters of
 * it when there are that many: collapsing a long body whole only to keep 200 characters is the most
 * expensive step of parsing a message. Whitespace runs never cross the cut in a way that changes
 * what comes before it, so the result is a prefix of collapsing the whole text.
 */
function collapsedStart(text: string, length: number): string {
  for (let window = length * 4; ; window *= 4) {
    if (window >= text.length) return text.replace(/\s+/g, ' ').trim();
    const collapsed = text.slice(0, window).replace(/\s+/g, ' ').trimStart();
    if (collapsed.length >= length) return collapsed;
  }
}

function searchTextOf(subject: string, addresses: Pick<ParsedMessage, 'from' | 'to' | 'cc'>, text: string): string {
  const addressWords = [...addresses.from, ...addresses.to, ...addresses.cc].flatMap(({ name, address }) => {
    // The 'simple' parser keeps "ann@example.com" as one token; the parts make "ann" and "example.com" findable too.
    const at = address.lastIndexOf('@');
    return at > 0 ? [name, address, address.slice(0, at), address.slice(at + 1)] : [name, address];
  });
  return [subject, ...addressWords, text.slice(0, MAX_SEARCH_TEXT_CHARS)].filter(Boolean).join('\n');
}
