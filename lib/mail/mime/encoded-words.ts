import { decodeCharset } from './charset';
import { decodeBase64, hexByteAt } from './transfer';

interface EncodedWord {
  charset: string;
  encoding: 'B' | 'Q';
  payload: string;
  end: number;
}

/** Where the encoded word starting at `start` ends, or -1 when no well-formed one starts there. */
export function encodedWordEnd(text: string, start: number): number {
  return text.startsWith('=?', start) ? (readEncodedWord(text, start)?.end ?? -1) : -1;
}

/** Reads `=?charset?B|Q?payload?=` at `start` (which holds "=?"), or null when it is not one. */
function readEncodedWord(text: string, start: number): EncodedWord | null {
  const charsetEnd = text.indexOf('?', start + 2);
  if (charsetEnd === -1 || charsetEnd === start + 2 || charsetEnd - start > 80) return null;
  const charset = text.slice(start + 2, charsetEnd);
  if (!/^[\w\-*.:]+$/.test(charset)) return null;
  const encodingLetter = text.charAt(charsetEnd + 1).toUpperCase();
  if ((encodingLetter !== 'B' && encodingLetter !== 'Q') || text.charAt(charsetEnd + 2) !== '?') return null;
  const payloadStart = charsetEnd + 3;
  const payloadEnd = text.indexOf('?', payloadStart);
  if (payloadEnd === -1 || text.charAt(payloadEnd + 1) !== '=') return null;
  return { charset, encoding: encodingLetter, payload: text.slice(payloadStart, payloadEnd), end: payloadEnd + 2 };
}

/**
 * Decodes the RFC 2047 encoded words in a header text. Adjacent words separated only by whitespace
 * are joined, and when they share a charset their bytes are decoded together, so a character split
 * over two words survives. Anything that is not a well-formed encoded word stays as written.
 */
export function decodeEncodedWords(text: string): string {
  let start = text.indexOf('=?');
  if (start === -1) return text;
  let output = '';
  // Text before this index is in `output` already, or was whitespace between two words.
  let copiedUpTo = 0;
  // The words read since the last plain text, when they share a charset.
  let run: EncodedWordRun | null = null;
  while (start !== -1) {
    const word = readEncodedWord(text, start);
    if (word === null) {
      start = text.indexOf('=?', start + 1);
      continue;
    }
    const charset = wordCharset(word.charset);
    const between = text.slice(copiedUpTo, start);
    if (run === null || between.trim() !== '') {
      if (run !== null) output += run.decode();
      output += between;
      run = new EncodedWordRun(charset);
    } else if (run.charset !== charset) {
      // Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
      output += run.decode();
      run = new EncodedWordRun(charset);
    }
    run.add(word);
    copiedUpTo = word.end;
    start = text.indexOf('=?', copiedUpTo);
  }
  if (run !== null) output += run.decode();
  return output + text.slice(copiedUpTo);
}

/** The charset of an encoded word without its RFC 2231 language suffix ("utf-8*en"). */
function wordCharset(charset: string): string {
  const star = charset.indexOf('*');
  return (star === -1 ? charset : charset.slice(0, star)).toLowerCase();
}

/** The bytes of consecutive encoded words in one charset, decoded as one text. */
class EncodedWordRun {
  private readonly chunks: Buffer[] = [];
  /** Base64 payloads are joined before decoding: some encoders split a word mid-quantum. */
  private pendingBase64 = '';

  constructor(readonly charset: string) {}

  add(word: EncodedWord): void {
    if (word.encoding === 'B') {
      this.pendingBase64 += word.payload;
      return;
    }
    this.flushBase64();
    this.chunks.push(decodeQEncoding(word.payload));
  }

  decode(): string {
    this.flushBase64();
    return decodeCharset(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks), this.charset);
  }

  private flushBase64(): void {
    if (this.pendingBase64 === '') return;
    this.chunks.push(decodeBase64(Buffer.from(this.pendingBase64, 'latin1')));
    this.pendingBase64 = '';
  }
}

/** The Q encoding: `_` is a space, `=XX` a byte; anything else (8-bit text included) stands for itself. */
function decodeQEncoding(payload: string): Buffer {
  const bytes = Buffer.from(payload, 'utf8');
  const decoded = Buffer.allocUnsafe(bytes.length);
  let written = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    const escaped = byte === EQUALS ? hexByteAt(bytes, index + 1) : -1;
    if (escaped !== -1) {
      decoded[written++] = escaped;
      index += 2;
    } else {
      decoded[written++] = byte === UNDERSCORE ? SPACE : byte;
    }
  }
  return decoded.subarray(0, written);
}

const EQUALS = 0x3d;
const UNDERSCORE = 0x5f;
const SPACE = 0x20;
