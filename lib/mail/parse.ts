import crypto from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress, type ParsedMail, type SimpleParserOptions } from 'mailparser';
import type { MailAddressEntry } from '@/db/schema';
import { normalizeMessageId, parseMessageIdList, threadIdFor } from './message-id';
import { sanitizeMailHtml } from './sanitize';

/** Attachments up to this size are stored in the database; larger ones are fetched from IMAP by part when opened. */
export const MAX_STORED_ATTACHMENT_BYTES = 1024 * 1024;
export const SNIPPET_LENGTH = 200;
/** to_tsvector() refuses documents over 1 MB; the start of a long mail is what people search for anyway. */
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
  /** Null when larger than MAX_STORED_ATTACHMENT_BYTES. */
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

/** mailparser's simpleParser; replaceable so tests can make parsing fail. */
export type MessageParser = (source: Buffer, options: SimpleParserOptions) => Promise<ParsedMail>;

const PARSER_OPTIONS: SimpleParserOptions = {
  // mailparser's HTML-to-text conversion is slow on large HTML and fails outright on some;
  // the importer only needs a rough text for the snippet and the index (htmlToPlainText below).
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  // The sanitiser points cid: images at stored attachments; data: URIs would bloat every row.
  keepCidLinks: true,
};

/**
 * Turns a message source into the columns the importer stores. Never throws: a message that cannot
 * be parsed comes back with whatever its headers gave and `parseError` set, so one broken message
 * never stops the import of its folder.
 */
export async function parseMessage(source: Buffer, parse: MessageParser = simpleParser): Promise<ParsedMessage> {
  let parsed: ParsedMail;
  try {
    parsed = await parse(source, PARSER_OPTIONS);
  } catch (error) {
    return fromHeadersOnly(source, `could not parse the message: ${errorText(error)}`, parse);
  }
  try {
    return buildParsedMessage(parsed);
  } catch (error) {
    return fromHeadersOnly(source, `could not read the parsed message: ${errorText(error)}`, parse);
  }
}

function buildParsedMessage(parsed: ParsedMail): ParsedMessage {
  const headers = threadingHeaders(parsed);
  const attachments = parsed.attachments.map(toParsedAttachment);
  // mailparser gives '' (not undefined) for an HTML-only message: then the readable text comes from the HTML.
  const textBody = parsed.text?.trim() ? cleanText(parsed.text) : null;
  const rawHtml = typeof parsed.html === 'string' ? cleanText(parsed.html) : null;

  let htmlBody: string | null = null;
  let blockedRemoteImages = 0;
  let hasRemoteContent = false;
  let parseError: string | null = null;
  if (rawHtml !== null) {
    try {
      const sanitized = sanitizeMailHtml(rawHtml, { cidUrl: cidResolver(attachments) });
      htmlBody = sanitized.html;
      blockedRemoteImages = sanitized.blockedRemoteImages;
      hasRemoteContent = sanitized.hasRemoteContent;
    } catch (error) {
      // Never store HTML that was not sanitised; the text (and the raw source) still show the message.
      parseError = `could not sanitise the HTML body: ${errorText(error)}`;
    }
  }

  const readableText = textBody ?? (rawHtml !== null ? htmlToPlainText(rawHtml) : '');
  const addresses = {
    from: addressEntries(parsed.from),
    to: addressEntries(parsed.to),
    cc: addressEntries(parsed.cc),
    bcc: addressEntries(parsed.bcc),
    replyTo: addressEntries(parsed.replyTo),
  };
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

function threadingHeaders(parsed: Pick<ParsedMail, 'messageId' | 'inReplyTo' | 'references'>) {
  const messageId = normalizeMessageId(cleanText(parsed.messageId ?? ''));
  // In-Reply-To may list several ids; the last is the direct parent when it does.
  const inReplyTo = parseMessageIdList(parsed.inReplyTo ? cleanText(parsed.inReplyTo) : null).at(-1) ?? null;
  const rawReferences = parsed.references === undefined ? [] : typeof parsed.references === 'string' ? [parsed.references] : parsed.references;
  const references = parseMessageIdList(rawReferences.map(cleanText));
  return { messageId, inReplyTo, references, threadId: threadIdFor({ messageId, inReplyTo, references }) };
}

function toParsedAttachment(attachment: Attachment): ParsedAttachment {
  const content = Buffer.isBuffer(attachment.content) ? attachment.content : Buffer.alloc(0);
  const contentId = attachment.cid ?? attachment.contentId;
  return {
    id: crypto.randomUUID(),
    filename: attachment.filename ? cleanText(attachment.filename) : null,
    contentType: cleanText(attachment.contentType || 'application/octet-stream'),
    size: attachment.size ?? content.length,
    contentId: contentId ? normalizeMessageId(cleanText(contentId)) : null,
    disposition: attachment.contentDisposition ? cleanText(attachment.contentDisposition) : null,
    isInline: attachment.related === true,
    // A message that is nothing but one non-text part has no multipart boundary, and IMAP calls that part 1.
    part: attachment.partId ?? '1',
    content: content.length <= MAX_STORED_ATTACHMENT_BYTES ? content : null,
  };
}

function cidResolver(attachments: readonly ParsedAttachment[]): (contentId: string) => string | null {
  const byContentId = new Map<string, ParsedAttachment>();
  for (const attachment of attachments) {
    if (attachment.contentId !== null && !byContentId.has(attachment.contentId)) byContentId.set(attachment.contentId, attachment);
  }
  return (contentId) => {
    let reference = contentId.trim().replace(/^cid:/i, '');
    try {
      reference = decodeURIComponent(reference);
    } catch {
      // Not percent-encoded after all: use it as written.
    }
    const normalized = normalizeMessageId(reference);
    const attachment = normalized === null ? undefined : byContentId.get(normalized);
    return attachment ? attachmentUrl(attachment.id) : null;
  };
}

function addressEntries(header: AddressObject | AddressObject[] | undefined): MailAddressEntry[] {
  if (header === undefined) return [];
  const entries: MailAddressEntry[] = [];
  const visit = (address: EmailAddress) => {
    if (address.group) {
      address.group.forEach(visit);
      return;
    }
    const entry = { name: cleanText(address.name ?? '').trim(), address: cleanText(address.address ?? '').trim() };
    if (entry.name !== '' || entry.address !== '') entries.push(entry);
  };
  for (const object of Array.isArray(header) ? header : [header]) object.value.forEach(visit);
  return entries;
}

// ---------------------------------------------------------------------------------------------
// When the parser gives up

/**
 * The best the headers can give: mailparser again on the header block alone (a broken body is the
 * usual reason for a failure), and when even that fails, a few headers read by hand.
 */
async function fromHeadersOnly(source: Buffer, parseError: string, parse: MessageParser): Promise<ParsedMessage> {
  const headerBlock = headerBlockOf(source);
  let parsed: Pick<ParsedMail, 'messageId' | 'inReplyTo' | 'references' | 'subject' | 'date' | 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>;
  try {
    parsed = await parse(Buffer.concat([headerBlock, Buffer.from('\r\n\r\n')]), PARSER_OPTIONS);
  } catch {
    const fields = readRawHeaders(headerBlock);
    parsed = {
      messageId: fields.get('message-id'),
      inReplyTo: fields.get('in-reply-to'),
      references: fields.get('references'),
      subject: fields.get('subject'),
      date: fields.has('date') ? new Date(fields.get('date') ?? '') : undefined,
    };
  }
  let headers: ReturnType<typeof threadingHeaders>;
  let addresses: Pick<ParsedMessage, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>;
  let subject: string;
  try {
    headers = threadingHeaders(parsed);
    addresses = {
      from: addressEntries(parsed.from),
      to: addressEntries(parsed.to),
      cc: addressEntries(parsed.cc),
      bcc: addressEntries(parsed.bcc),
      replyTo: addressEntries(parsed.replyTo),
    };
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

function validDate(date: Date | undefined): Date | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date : null;
}

function snippetOf(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  // By code points, so a cut never splits a surrogate pair (an emoji) in two.
  const codePoints = Array.from(collapsed.slice(0, SNIPPET_LENGTH * 2));
  return codePoints.length > SNIPPET_LENGTH ? codePoints.slice(0, SNIPPET_LENGTH).join('') : codePoints.join('');
}

function searchTextOf(subject: string, addresses: Pick<ParsedMessage, 'from' | 'to' | 'cc'>, text: string): string {
  const addressWords = [...addresses.from, ...addresses.to, ...addresses.cc].flatMap(({ name, address }) => {
    // The 'simple' parser keeps "ann@example.com" as one token; the parts make "ann" and "example.com" findable too.
    const at = address.lastIndexOf('@');
    return at > 0 ? [name, address, address.slice(0, at), address.slice(at + 1)] : [name, address];
  });
  return [subject, ...addressWords, text.slice(0, MAX_SEARCH_TEXT_CHARS)].filter(Boolean).join('\n');
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A rough text of an HTML body, for the snippet and the search index only (never displayed as HTML). */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(head|script|style|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(br|\/p|\/div|\/tr|\/li|\/h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
      if (body.startsWith('#')) {
        const codePoint = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : ' ';
      }
      return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
    });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
