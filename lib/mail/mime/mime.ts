import { parseAddressList, type MailAddress } from './address';
import { decodeCharset } from './charset';
import { parseMailDate } from './date';
import { decodeEncodedWords } from './encoded-words';
import { FieldNames, readHeaderBlock, type HeaderBlock } from './headers';
import { parseParameterizedValue, type ParameterizedValue } from './parameters';
import { decodeTransferEncoding } from './transfer';
import { contentTypeForFilename, DEFAULT_CONTENT_TYPE } from './types';

export type { MailAddress } from './address';

/** Deeper nesting than this is not walked: no real mail comes close, and recursion must stay bounded. */
export const MAX_NESTING_DEPTH = 64;
/** Parts beyond this many are not read (mailparser stopped at 1000 as well). */
export const MAX_PARTS = 1000;

export interface MimeAttachment {
  filename: string | null;
  /** Lower-case type/subtype. */
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** As written in the Content-ID header (angle brackets included). */
  contentId: string | null;
  /** The Content-Disposition value as written, lower-cased (`attachment`, `inline`…). */
  disposition: string | null;
  /** Has a Content-ID and sits inside a multipart/related: an image the HTML shows, not a file. */
  related: boolean;
  /** The IMAP body part number (BODY[partId]). */
  partId: string;
  content: Buffer;
}

export interface MimeMessage {
  subject: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  /** Raw header texts; message-id.ts normalises them. */
  messageId: string | null;
  inReplyTo: string | null;
  /** One entry per References header. */
  references: string[];
  /** The inline text/plain parts (and delivery reports), joined by a newline; null when there are none. */
  text: string | null;
  /** The inline text/html parts, joined by a line break; null when there are none. */
  html: string | null;
  attachments: MimeAttachment[];
  /** Why the message was not read completely, when it was not. */
  problem: string | null;
}

const CONTENT_FIELDS = ['content-type', 'content-transfer-encoding', 'content-disposition', 'content-id'];
const PART_FIELDS = new FieldNames(CONTENT_FIELDS);
const MESSAGE_FIELDS = new FieldNames([
  ...CONTENT_FIELDS,
  'subject', 'from', 'to', 'cc', 'bcc', 'reply-to', 'date', 'message-id', 'in-reply-to', 'references',
]);

/** Parts read as text (and not offered as attachments) unless their disposition says otherwise. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['text/plain', 'text/html', 'message/delivery-status']);

/**
 * A synchronous MIME parser over a Buffer, for the importer: it reads what the message list, the
 * reader and the search index need (headers, the text and HTML bodies, the attachments) and nothing
 * else. Multiparts are split with Buffer.indexOf on the boundary, never line by line, and only text
 * parts are turned into strings. Any input, however broken, comes back parsed as far as it goes
 * within linear time; MAX_NESTING_DEPTH and MAX_PARTS turn hostile structure into `problem` instead of work.
 */
export function parseMime(source: Buffer): MimeMessage {
  const root = readHeaderBlock(source, 0, source.length, MESSAGE_FIELDS);
  const walker = new PartWalker(source);
  walker.walk(root, source.length, { partId: '', depth: 0, inRelated: false, parentType: null });
  const fields = root.fields;
  return {
    subject: firstText(fields, 'subject', decodeEncodedWords),
    from: addresses(fields, 'from', false),
    to: addresses(fields, 'to', true),
    cc: addresses(fields, 'cc', true),
    bcc: addresses(fields, 'bcc', true),
    replyTo: addresses(fields, 'reply-to', false),
    date: parseMailDate(firstText(fields, 'date') ?? ''),
    messageId: firstText(fields, 'message-id'),
    inReplyTo: firstText(fields, 'in-reply-to'),
    references: (fields.get('references') ?? []).filter((text) => text !== ''),
    text: walker.texts.length > 0 ? walker.texts.join('\n') : null,
    html: walker.htmls.length > 0 ? walker.htmls.join('<br/>\n') : null,
    attachments: walker.attachments,
    problem: walker.problem,
  };
}

/** The first non-empty value of a single-valued field (a repeated Subject or Date: the first counts). */
function firstText(fields: Map<string, string[]>, name: string, decode: (text: string) => string = (text) => text): string | null {
  const text = fields.get(name)?.find((value) => value !== '');
  return text === undefined ? null : decode(text);
}

/** From and Reply-To take their first header; To, Cc and Bcc add up over all of theirs. */
function addresses(fields: Map<string, string[]>, name: string, allHeaders: boolean): MailAddress[] {
  if (!allHeaders) {
    const text = firstText(fields, name);
    return text === null ? [] : parseAddressList(text);
  }
  return (fields.get(name) ?? []).flatMap(parseAddressList);
}

interface PartContext {
  /** The IMAP part number of this entity; '' for the message itself. */
  partId: string;
  depth: number;
  inRelated: boolean;
  /** The content type of the enclosing multipart, which sets the default type of its parts. */
  parentType: string | null;
}

class PartWalker {
  readonly texts: string[] = [];
  readonly htmls: string[] = [];
  readonly attachments: MimeAttachment[] = [];
  problem: string | null = null;
  private parts = 0;

  constructor(private readonly source: Buffer) {}

  /** Reads the entity whose header block is `block` and whose body runs to `end`. */
  walk(block: HeaderBlock, end: number, context: PartContext): void {
    const contentType = firstParameterized(block, 'content-type');
    const disposition = firstParameterized(block, 'content-disposition');
    const filename = disposition?.params.get('filename') || contentType?.params.get('name') || null;
    const type = contentTypeOf(contentType, disposition, filename, context.parentType);

    if (type.startsWith('multipart/')) {
      const boundary = contentType?.params.get('boundary')?.trimEnd() ?? '';
      const parts = isUsableBoundary(boundary) ? splitMultipart(this.source, block.bodyStart, end, boundary) : [];
      // Without a boundary that is ever found, the body is not multipart after all: show it as text.
      if (parts.length > 0) {
        this.walkMultipart(parts, type, context);
        return;
      }
    }

    const encoding = transferEncodingOf(block);
    const body = this.source.subarray(block.bodyStart, end);
    const partId = context.partId === '' ? '1' : context.partId;
    const effectiveType = type.startsWith('multipart/') ? 'text/plain' : type;
    const dispositionValue = disposition?.value.toLowerCase().split(/\s/, 1)[0] || null;
    const inline = dispositionValue === null ? TEXT_TYPES.has(effectiveType) : dispositionValue === 'inline';
    if (TEXT_TYPES.has(effectiveType) && inline) {
      this.readText(decodeTransferEncoding(body, encoding, { output: textScratch, unixLineBreaks: true }), effectiveType, contentType);
      return;
    }
    const contentId = block.fields.get('content-id')?.[0] || null;
    const decoded = decodeTransferEncoding(body, encoding);
    // An undecoded body is a view of the whole message, which the attachment must not keep alive.
    const content = decoded === body ? Buffer.from(body) : decoded;
    this.attachments.push({
      filename,
      contentType: effectiveType === DEFAULT_CONTENT_TYPE && filename !== null ? contentTypeForFilename(filename) : effectiveType,
      size: content.length,
      contentId,
      disposition: dispositionValue,
      related: contentId !== null && context.inRelated,
      partId,
      content,
    });
  }

  private walkMultipart(parts: ReadonlyArray<readonly [number, number]>, type: string, context: PartContext): void {
    if (context.depth >= MAX_NESTING_DEPTH) {
      this.problem ??= `the message nests parts deeper than ${MAX_NESTING_DEPTH} levels`;
      return;
    }
    const inRelated = context.inRelated || type === 'multipart/related';
    for (let index = 0; index < parts.length; index++) {
      if (++this.parts > MAX_PARTS) {
        this.problem ??= `the message has more than ${MAX_PARTS} parts`;
        return;
      }
      const [start, end] = parts[index]!;
      const block = readHeaderBlock(this.source, start, end, PART_FIELDS);
      const partId = context.partId === '' ? String(index + 1) : `${context.partId}.${index + 1}`;
      this.walk(block, end, { partId, depth: context.depth + 1, inRelated, parentType: type });
    }
  }

  private readText(decoded: Buffer, type: string, contentType: ParameterizedValue | null): void {
    let text = decodeCharset(decoded, contentType?.params.get('charset'));
    if (text === '') return;
    if (text.includes('\r')) text = text.replaceAll('\r\n', '\n');
    if (type === 'text/html') {
      this.htmls.push(text);
      return;
    }
    if (type === 'text/plain' && contentType?.params.get('format')?.toLowerCase() === 'flowed') {
      text = decodeFlowed(text, contentType.params.get('delsp')?.toLowerCase() === 'yes');
    }
    this.texts.push(text);
  }
}

let scratch = Buffer.allocUnsafe(0);
/** Larger scratch space than this is not kept between parts. */
const MAX_KEPT_SCRATCH_BYTES = 4 * 1024 * 1024;

/**
 * The decoded bytes of a text part only live until they are a string, so they go into one reused
 * buffer instead of a new one per part.
 */
function textScratch(size: number): Buffer {
  if (size > MAX_KEPT_SCRATCH_BYTES) return Buffer.allocUnsafe(size);
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, 64 * 1024));
  return scratch;
}

function firstParameterized(block: HeaderBlock, name: string): ParameterizedValue | null {
  const text = block.fields.get(name)?.[0];
  return text === undefined ? null : parseParameterizedValue(text);
}

/**
 * The lower-case type/subtype. Without a valid Content-Type a part is text/plain (RFC 2045), or the
 * type its file name suggests when it has one; a part of a multipart/digest is a message (RFC 2046).
 */
function contentTypeOf(contentType: ParameterizedValue | null, disposition: ParameterizedValue | null, filename: string | null, parentType: string | null): string {
  // "application/pdf name=x.pdf" lost its semicolon: the type is the first word.
  const declared = contentType?.value.toLowerCase().split(/\s/, 1)[0] ?? '';
  if (/^[^/]+\/[^/]+$/.test(declared)) return declared;
  if (filename !== null && (contentType !== null || disposition?.params.has('filename'))) return contentTypeForFilename(filename);
  if (contentType === null && disposition?.value.toLowerCase() === 'attachment') return DEFAULT_CONTENT_TYPE;
  return parentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
}

function transferEncodingOf(block: HeaderBlock): string {
  const text = block.fields.get('content-transfer-encoding')?.[0] ?? '';
  // A comment may stand next to the token ("base64 (from a gateway)").
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return (open !== -1 && close > open ? text.slice(0, open) + text.slice(close + 1) : text).trim().toLowerCase();
}

/** RFC 2046 bchars are ASCII; a boundary with anything else came out of a broken header. */
function isUsableBoundary(boundary: string): boolean {
  if (boundary === '' || boundary.length > 1000) return false;
  for (let index = 0; index < boundary.length; index++) if (boundary.charCodeAt(index) > 0x7e) return false;
  return true;
}

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

/**
 * The byte ranges of the parts of a multipart body in `source[start, end)`. A delimiter is
 * `--boundary` at the start of a line, optionally followed by `--` (the last one), whitespace and
 * the line end; the line break before it belongs to the delimiter. A closing delimiter in the
 * preamble is ignored, everything after the closing one is epilogue, and a multipart that is never
 * closed ends with its range. An empty list when no delimiter is found.
 */
export function splitMultipart(source: Buffer, start: number, end: number, boundary: string): Array<readonly [number, number]> {
  const body = source.subarray(start, end);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Array<readonly [number, number]> = [];
  let partStart = -1;
  let searchFrom = 0;
  while (searchFrom < body.length) {
    const found = body.indexOf(delimiter, searchFrom);
    if (found === -1) break;
    searchFrom = found + 1;
    if (found > 0 && body[found - 1] !== LF) continue;
    let position = found + delimiter.length;
    const closing = body[position] === DASH && body[position + 1] === DASH;
    if (closing) position += 2;
    while (position < body.length && (body[position] === 0x20 || body[position] === 0x09)) position++;
    while (position < body.length && body[position] === CR) position++;
    if (position < body.length && body[position] !== LF) continue;
    const lineEnd = Math.min(position + 1, body.length);
    if (partStart !== -1) {
      let partEnd = found;
      if (partEnd > partStart && body[partEnd - 1] === LF) partEnd--;
      if (partEnd > partStart && body[partEnd - 1] === CR) partEnd--;
      parts.push([start + partStart, start + partEnd]);
      partStart = -1;
    }
    if (closing) {
      if (parts.length > 0) return parts;
      // A closing delimiter before any part: the preamble goes on.
    } else {
      partStart = lineEnd;
      if (parts.length >= MAX_PARTS) break;
    }
    searchFrom = lineEnd;
  }
  if (partStart !== -1) parts.push([start + partStart, end]);
  return parts;
}

/**
 * RFC 3676 format=flowed: a line ending in a space continues on the next line of the same quote
 * depth; space-stuffing is removed; with delsp=yes the space that marked the break goes too.
 */
function decodeFlowed(text: string, deleteSpace: boolean): string {
  const output: string[] = [];
  let paragraph: string | null = null;
  let paragraphDepth = 0;
  let paragraphPrefix = '';
  for (const line of text.split('\n')) {
    let depth = 0;
    while (line.charCodeAt(depth) === 0x3e) depth++;
    const stuffed = line.charCodeAt(depth) === 0x20;
    const content = line.slice(stuffed ? depth + 1 : depth);
    if (paragraph !== null && depth !== paragraphDepth) {
      output.push(paragraphPrefix + paragraph);
      paragraph = null;
    }
    if (paragraph === null) {
      paragraph = content;
      paragraphDepth = depth;
      paragraphPrefix = line.slice(0, stuffed && depth > 0 ? depth + 1 : depth);
    } else {
      paragraph += content;
    }
    const flowed = content.endsWith(' ') && content !== '-- ';
    if (!flowed) {
      output.push(paragraphPrefix + paragraph);
      paragraph = null;
    } else if (deleteSpace) {
      paragraph = paragraph.slice(0, -1);
    }
  }
  if (paragraph !== null) output.push(paragraphPrefix + paragraph);
  return output.join('\n');
}
