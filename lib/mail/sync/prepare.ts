import { SANITIZER_VERSION } from '@/lib/mail/html';
import { parseMessage, type ParsedMessage } from '@/lib/mail/mime';
import { searchLexemes, tsvectorLiteral, TOKENIZER_VERSION } from '@/lib/search';

/**
 * Everything the importer derives from a message source before storing it: the parsed columns and
 * the search vector. Pure CPU work on one source.
 */
export interface PreparedContent {
  parsed: ParsedMessage;
  /** The tsvector literal of the message's search words. */
  searchVector: string;
  /** The source itself, only when it could not be parsed (it is stored then, so nothing is lost). */
  unparsedSource: Buffer | null;
  /** What made the stored HTML and search words, stored with them so a later version can redo them. */
  sanitizerVersion: number;
  tokenizerVersion: number;
}

/**
 * Attachment bytes stored at import: only the images an HTML body shows inline (cid:), up to this
 * size, so a message renders without a round trip to the mail server. Every other attachment is
 * fetched from IMAP by its part when it is opened, and kept then (attachment-content.ts). Storing
 * them all would put a second copy of every mailbox into the database, and it was the largest part
 * of an import's cost on both sides: 85 % of the benchmark mailbox's bytes are attachments.
 */
export const MAX_STORED_INLINE_IMAGE_BYTES = 256 * 1024;

export function prepareMessageContent(source: Uint8Array): PreparedContent {
  const buffer = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const parsed = withStoredContentOnly(parseMessage(buffer));
  return {
    parsed,
    searchVector: tsvectorLiteral(searchLexemes(parsed.searchText)),
    unparsedSource: parsed.parseError === null ? null : buffer,
    sanitizerVersion: SANITIZER_VERSION,
    tokenizerVersion: TOKENIZER_VERSION,
  };
}

function withStoredContentOnly(parsed: ParsedMessage): ParsedMessage {
  if (parsed.attachments.every((attachment) => attachment.content === null || storesContent(attachment))) return parsed;
  return { ...parsed, attachments: parsed.attachments.map((attachment) => (storesContent(attachment) ? attachment : { ...attachment, content: null })) };
}

function storesContent(attachment: ParsedMessage['attachments'][number]): boolean {
  return attachment.isInline && attachment.size <= MAX_STORED_INLINE_IMAGE_BYTES;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The prepared content of each source, in order, yielding to the event loop between messages so the
 * next batch's download and the previous one's commit keep moving meanwhile. Takes the array over and
 * empties it as it goes, so each source can be freed as soon as it is prepared: sources are most of
 * an import's memory.
 */
export async function prepareBatch(sources: Buffer[]): Promise<PreparedContent[]> {
  const results: PreparedContent[] = [];
  for (let source = sources.shift(); source; source = sources.shift()) {
    results.push(prepareMessageContent(source));
    await yieldToEventLoop();
  }
  return results;
}
