/**
 * Content-Transfer-Encoding decoders working on Buffers. Both are tolerant the way mail readers
 * are: base64 skips whitespace and garbage and survives padding in the middle (concatenated
 * encoders), quoted-printable leaves broken escapes as they stand.
 */

/** Where a decoder writes: a buffer of at least `size` bytes. */
export type OutputBuffer = (size: number) => Buffer;

const freshBuffer: OutputBuffer = (size) => Buffer.allocUnsafe(size);

export interface DecodeOptions {
  /** For bytes that only live until they are turned into text: a reused buffer saves the allocation. */
  output?: OutputBuffer;
  /** Let the quoted-printable decoder turn CRLF into LF on the way, for text normalised anyway. */
  unixLineBreaks?: boolean;
}

/** Decodes the body of a part by its (lower-cased) Content-Transfer-Encoding; anything unknown is taken as is. */
export function decodeTransferEncoding(body: Buffer, encoding: string, options: DecodeOptions = {}): Buffer {
  if (encoding === 'base64') return decodeBase64(body, options.output);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body, options.unixLineBreaks, options.output);
  return body;
}

const EQUALS = 0x3d;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;
const UNDERSCORE = 0x5f;

/**
 * Strings over ~128 KB go to V8's large-object space, which makes a latin1 copy several times
 * slower per byte than a small one; regular bodies are therefore decoded in chunks below that.
 */
const CHUNK_BYTES = 32 * 1024;

export function decodeBase64(encoded: Buffer, output: OutputBuffer = freshBuffer): Buffer {
  if (encoded.length === 0) return encoded;
  // Writing into a buffer sized from the input is about twice as fast as Buffer.from(text, 'base64'),
  // which measures the output in a pass of its own first.
  const decoded = output(Math.ceil((encoded.length * 3) / 4) + 3);
  const regular = decodeRegularLines(encoded, decoded);
  const written = regular.written + decodeBase64Text(encoded.toString('latin1', regular.consumed), decoded, regular.written);
  return decoded.subarray(0, written);
}

/**
 * The fast path for what every encoder writes: lines of one length holding a multiple of 4
 * characters. Whole chunks of such lines are decoded while each decodes to exactly the bytes its
 * line count promises; the first chunk that does not (padding, garbage, a line of another length)
 * is left, from its start, to the general decoder.
 */
function decodeRegularLines(encoded: Buffer, decoded: Buffer): { consumed: number; written: number } {
  const firstLineEnd = encoded.indexOf(LF);
  if (firstLineEnd <= 0 || firstLineEnd > 1000) return { consumed: 0, written: 0 };
  const charactersPerLine = encoded[firstLineEnd - 1] === 0x0d ? firstLineEnd - 1 : firstLineEnd;
  if (charactersPerLine % 4 !== 0) return { consumed: 0, written: 0 };
  const lineBytes = firstLineEnd + 1;
  const linesPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / lineBytes));
  const chunkBytes = linesPerChunk * lineBytes;
  const bytesPerChunk = (linesPerChunk * charactersPerLine * 3) / 4;
  // Node reads "-" and "_" as URL-safe digits, which MIME base64 does not have: stop before them.
  const limit = Math.min(encoded.length, firstIndexOrLength(encoded, DASH), firstIndexOrLength(encoded, UNDERSCORE));
  let consumed = 0;
  let written = 0;
  while (consumed + chunkBytes <= limit && encoded[consumed + chunkBytes - 1] === LF) {
    const chunkWritten = decoded.write(encoded.toString('latin1', consumed, consumed + chunkBytes), written, 'base64');
    if (chunkWritten !== bytesPerChunk) break;
    consumed += chunkBytes;
    written += chunkWritten;
  }
  return { consumed, written };
}

function firstIndexOrLength(buffer: Buffer, byte: number): number {
  const index = buffer.indexOf(byte);
  return index === -1 ? buffer.length : index;
}

/** Decodes base64 text into `decoded` from `offset` on; returns the number of bytes written. */
function decodeBase64Text(base64: string, decoded: Buffer, offset: number): number {
  let text = base64;
  // "-" and "_" are garbage in MIME base64 (a signature line, a list footer after the data).
  if (text.includes('-') || text.includes('_')) text = text.replace(/[-_]+/g, '');
  let written = 0;
  let segmentStart = 0;
  // Node stops at the first '=', but a body glued together from separately encoded pieces has padding
  // in the middle; each piece is decoded on its own then.
  while (segmentStart < text.length) {
    const padding = text.indexOf('=', segmentStart);
    if (padding === -1) {
      written += decoded.write(text.slice(segmentStart), offset + written, 'base64');
      break;
    }
    let segmentEnd = padding;
    while (segmentEnd < text.length && (text.charCodeAt(segmentEnd) === EQUALS || isBase64Whitespace(text.charCodeAt(segmentEnd)))) segmentEnd++;
    written += decoded.write(text.slice(segmentStart, segmentEnd), offset + written, 'base64');
    segmentStart = segmentEnd;
  }
  return written;
}

function isBase64Whitespace(code: number): boolean {
  return code === 0x0d || code === 0x0a || code === 0x20 || code === 0x09;
}

/** Hex digit values by byte, -1 for anything else. */
const HEX_VALUES = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;
  HEX_VALUES['0123456789abcdef'.charCodeAt(digit)] = digit;
}

/** The byte that the two hex digits at `bytes[index]` spell, or -1 when they are not two hex digits. */
export function hexByteAt(bytes: Uint8Array, index: number): number {
  if (index + 1 >= bytes.length) return -1;
  const high = HEX_VALUES[bytes[index]!]!;
  const low = HEX_VALUES[bytes[index + 1]!]!;
  return (high | low) < 0 ? -1 : (high << 4) | low;
}

/** Bytes that quoted-printable decoding copies as they are: anything but "=", CR and LF. */
const QP_LITERAL = new Uint8Array(256).fill(1);
QP_LITERAL[EQUALS] = 0;
QP_LITERAL[CR] = 0;
QP_LITERAL[LF] = 0;

/**
 * RFC 2045 quoted-printable: `=XX` escapes (either case), soft line breaks (`=` at the end of a line,
 * trailing whitespace after it allowed), and whitespace at the end of a line is transport padding.
 */
export function decodeQuotedPrintable(encoded: Buffer, unixLineBreaks = false, output: OutputBuffer = freshBuffer): Buffer {
  const length = encoded.length;
  const decoded = output(length);
  let written = 0;
  // Output before this came from escapes: an encoded "=20" at the end of a line is not padding.
  let escapedUpTo = 0;
  let index = 0;
  while (index < length) {
    // Text is runs of literal bytes and runs of escapes; each kind of run gets a tight loop of its own.
    let byte = encoded[index]!;
    while (QP_LITERAL[byte] === 1) {
      decoded[written++] = byte;
      if (++index === length) break;
      byte = encoded[index]!;
    }
    if (index === length) break;
    if (byte === EQUALS) {
      let escaped = hexByteAt(encoded, index + 1);
      if (escaped !== -1) {
        do {
          decoded[written++] = escaped;
          index += 3;
        } while (index < length && encoded[index] === EQUALS && (escaped = hexByteAt(encoded, index + 1)) !== -1);
        escapedUpTo = written;
        continue;
      }
      const softBreakEnd = softLineBreakEnd(encoded, index + 1);
      if (softBreakEnd === -1) decoded[written++] = byte;
      index = softBreakEnd === -1 ? index + 1 : softBreakEnd;
      continue;
    }
    written = withoutPadding(decoded, written, escapedUpTo);
    if (!(unixLineBreaks && byte === CR && index + 1 < length && encoded[index + 1] === LF)) decoded[written++] = byte;
    index++;
  }
  return decoded.subarray(0, withoutPadding(decoded, written, escapedUpTo));
}

/** Where the output ends without the literal spaces and tabs at its end. */
function withoutPadding(decoded: Buffer, written: number, escapedUpTo: number): number {
  let end = written;
  while (end > escapedUpTo && (decoded[end - 1] === SPACE || decoded[end - 1] === TAB)) end--;
  return end;
}

/** After the "=" of a soft line break: where the next line starts, or -1 when this "=" is not one. */
function softLineBreakEnd(encoded: Buffer, start: number): number {
  let position = start;
  while (position < encoded.length && (encoded[position] === SPACE || encoded[position] === TAB)) position++;
  if (position === encoded.length) return position;
  if (encoded[position] === LF) return position + 1;
  if (encoded[position] === CR && position + 1 < encoded.length && encoded[position + 1] === LF) return position + 2;
  return -1;
}
