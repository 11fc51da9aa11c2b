import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Turns the bytes of a text part or an encoded word into a string, by the charset label the message
 * gives. TextDecoder (Node has full ICU) knows every WHATWG label; iconv-lite covers the rest (DOS
 * code pages, UTF-7, ISO-8859-16…). A label neither knows, or none at all, is read as UTF-8 when the
 * bytes are valid UTF-8 and as windows-1252 otherwise: mislabelled mail is nearly always one of them.
 */
export function decodeCharset(bytes: Uint8Array, label: string | null | undefined): string {
  const decoder = decoderFor(label);
  if (decoder === UTF8 || decoder === UNLABELLED) return decoder.decode(bytes);
  const ascii = isAscii(bytes);
  // Every other decoder maps ASCII to itself, except the stateful 7-bit ones.
  if (ascii && !decoder.asciiUnsafe) return asBuffer(bytes).toString('latin1');
  if (!ascii && decoder.eightBitInstead !== undefined && !bytes.includes(ESCAPE)) return mislabelledText(bytes, decoder.eightBitInstead);
  return decoder.decode(bytes);
}

interface Decoder {
  decode(bytes: Uint8Array): string;
  /** Stateful 7-bit encodings (ISO-2022-*, UTF-7): ASCII bytes are escape sequences there. */
  asciiUnsafe: boolean;
  /**
   * For a 7-bit charset, what 8-bit text without a single escape sequence under its label really is:
   * old Japanese mailers label EUC-JP and Shift_JIS text as ISO-2022-JP.
   */
  eightBitInstead?: readonly string[];
}

const UTF8: Decoder = { decode: utf8Text, asciiUnsafe: false };
const UNLABELLED: Decoder = { decode: decodeUnlabelled, asciiUnsafe: false };
const WINDOWS_1252: Decoder = { decode: windows1252Text, asciiUnsafe: false };

/**
 * Labels read as no label at all. US-ASCII is windows-1252 for WHATWG, but 8-bit bytes under it are
 * nearly always unlabelled UTF-8; the others are transfer encodings or placeholders written as a charset.
 */
const UNLABELLED_LABELS: ReadonlySet<string> = new Set([
  'us-ascii', 'ascii', 'ansi_x3.4-1968', '7bit', '8bit', 'binary', 'x-unknown', 'unknown', 'unknown-8bit', 'x-user-defined', 'default',
]);

/** Without a byte order in the label these need iconv-lite's BOM sniffing; TextDecoder assumes little-endian. */
const BYTE_ORDER_SNIFFED_LABELS: ReadonlySet<string> = new Set(['utf-16', 'utf-32']);

const ASCII_UNSAFE = /^(?:iso-2022-|utf-?7|unicode-1-1-utf-7|csunicode11utf7)/;

const EIGHT_BIT_FORMS: ReadonlyMap<string, readonly string[]> = new Map([['iso-2022-jp', ['euc-jp', 'shift_jis']]]);

const ESCAPE = 0x1b;

const decoders = new Map<string, Decoder>();

function decoderFor(rawLabel: string | null | undefined): Decoder {
  if (!rawLabel) return UNLABELLED;
  const label = rawLabel.trim().toLowerCase();
  const cached = decoders.get(label);
  if (cached) return cached;
  const decoder = createDecoder(label);
  // Labels come from the messages themselves: bound the cache so hostile mail cannot grow it.
  if (decoders.size < 500) decoders.set(label, decoder);
  return decoder;
}

function createDecoder(label: string): Decoder {
  if (UNLABELLED_LABELS.has(label)) return UNLABELLED;
  if (BYTE_ORDER_SNIFFED_LABELS.has(label)) return iconvDecoder(label) ?? UNLABELLED;
  for (const candidate of labelSpellings(label)) {
    const decoder = textDecoder(candidate) ?? iconvDecoder(candidate);
    if (decoder) return decoder;
  }
  return UNLABELLED;
}

/** The label as written, then the usual misspellings of it (win-1251, latin-2, iso8859_5, utf_8…). */
function labelSpellings(label: string): string[] {
  const respelled = label
    .replace(/^utf[-_]?(\d+)/, 'utf-$1')
    .replace(/^win(?:dows)?[-_]?(\d+)$/, 'windows-$1')
    .replace(/^(?:iso[-_]?8859|latin)[-_]?(\d+)$/, 'iso-8859-$1')
    .replace(/^cp[-_](\d+)$/, 'cp$1');
  return respelled === label ? [label] : [label, respelled];
}

function textDecoder(label: string): Decoder | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return null;
  }
  if (decoder.encoding === 'utf-8') return UTF8;
  if (decoder.encoding === 'windows-1252') return WINDOWS_1252;
  // WHATWG maps ISO-2022-KR, ISO-2022-CN and HZ to "replacement", which decodes anything to one U+FFFD.
  if (decoder.encoding === 'replacement') return null;
  return {
    decode: (bytes) => decoder.decode(bytes),
    asciiUnsafe: ASCII_UNSAFE.test(decoder.encoding),
    eightBitInstead: EIGHT_BIT_FORMS.get(decoder.encoding),
  };
}

function iconvDecoder(label: string): Decoder | null {
  if (!iconv.encodingExists(label)) return null;
  return { decode: (bytes) => iconv.decode(asBuffer(bytes), label), asciiUnsafe: ASCII_UNSAFE.test(label) };
}

function utf8Text(bytes: Uint8Array): string {
  const buffer = asBuffer(bytes);
  return isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
}

/** Bytes without a (usable) charset label, such as raw 8-bit header text: UTF-8 when they are valid UTF-8. */
export function decodeUnlabelled(bytes: Uint8Array): string {
  const buffer = asBuffer(bytes);
  if (isAscii(buffer)) return buffer.toString('latin1');
  if (isUtf8(buffer)) return buffer.toString('utf8');
  return windows1252Text(buffer);
}

const C1_RANGE = /[\x80-\x9f]/;

/**
 * windows-1252 is Latin-1 but for 0x80-0x9F, where it has typographic characters (€, curly quotes,
 * dashes) instead of control codes. Node's native Latin-1 is much faster, so it is used whenever no
 * byte falls in that range; iconv-lite does the rest (this Node's TextDecoder decodes windows-1252
 * as Latin-1, control codes included).
 */
function windows1252Text(bytes: Uint8Array): string {
  const buffer = asBuffer(bytes);
  const latin1 = buffer.toString('latin1');
  return C1_RANGE.test(latin1) ? iconv.decode(buffer, 'windows-1252') : latin1;
}

function mislabelledText(bytes: Uint8Array, candidates: readonly string[]): string {
  const buffer = asBuffer(bytes);
  if (isUtf8(buffer)) return buffer.toString('utf8');
  for (const label of candidates) {
    try {
      return new TextDecoder(label, { fatal: true }).decode(buffer);
    } catch {
      // Not this one either.
    }
  }
  return windows1252Text(buffer);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
