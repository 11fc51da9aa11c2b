import iconv from 'iconv-lite';

/**
 * The few MIME encodings the benchmark's generated mail needs (RFC 2045 quoted-printable and base64
 * bodies, RFC 2047 encoded words, RFC 2231 parameters). Written out here rather than taken from
 * nodemailer so the benchmark controls exactly which charset and transfer encoding each part gets:
 * that mix is what the importer's parser has to cope with.
 */

export type Charset = 'utf-8' | 'iso-8859-1' | 'windows-1252' | 'koi8-r' | 'shift_jis';

export const CRLF = '\r\n';
const MAX_ENCODED_LINE = 76;

/** The text as bytes in the charset. Characters the charset lacks become '?', as a sloppy mailer would send them. */
export function encodeCharset(text: string, charset: Charset): Buffer {
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
}

export function isAscii(text: string): boolean {
  return /^[\x20-\x7e\r\n\t]*$/.test(text);
}

/** Base64 in lines of 76 characters, each ended by CRLF. */
export function base64Body(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += MAX_ENCODED_LINE) lines.push(encoded.slice(start, start + MAX_ENCODED_LINE));
  return lines.join(CRLF) + CRLF;
}

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable of text whose lines are separated by CRLF: line breaks stay hard breaks, long lines
 * get soft breaks ("=" at the end) so no encoded line exceeds 76 characters.
 */
export function quotedPrintableBody(bytes: Buffer): string {
  const output: string[] = [];
  let line = '';
  const flushSoft = () => {
    output.push(line + '=');
    line = '';
  };
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === 0x0d && bytes[index + 1] === 0x0a) {
      output.push(line);
      line = '';
      index++;
      continue;
    }
    const atLineEnd = index + 1 === bytes.length || (bytes[index + 1] === 0x0d && bytes[index + 2] === 0x0a);
    const literal = (byte >= 33 && byte <= 126 && byte !== 0x3d) || ((byte === 0x20 || byte === 0x09) && !atLineEnd);
    const token = literal ? String.fromCharCode(byte) : `=${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
    // One column stays free for the soft-break "=".
    if (line.length + token.length > MAX_ENCODED_LINE - 1) flushSoft();
    line += token;
  }
  output.push(line);
  return output.join(CRLF) + CRLF;
}

/**
 * A header value as RFC 2047 encoded words when it is not plain ASCII, folded so every encoded word
 * stays within 75 characters. `Q` suits mostly-Latin text, `B` everything else.
 */
export function encodedWords(text: string, charset: Charset, encoding: 'B' | 'Q' = 'B'): string {
  if (isAscii(text)) return text;
  // Split on whole characters, never inside a multi-byte sequence; short chunks keep each word under 75 characters.
  const maxBytes = encoding === 'B' ? 36 : 18;
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    const candidate = chunk + character;
    if (chunk !== '' && encodeCharset(candidate, charset).length > maxBytes) {
      words.push(encodedWord(chunk, charset, encoding));
      chunk = character;
    } else {
      chunk = candidate;
    }
  }
  if (chunk !== '') words.push(encodedWord(chunk, charset, encoding));
  // Whitespace between adjacent encoded words is dropped by decoders, so folding here adds nothing to the text.
  return words.join(`${CRLF} `);
}

function encodedWord(text: string, charset: Charset, encoding: 'B' | 'Q'): string {
  const bytes = encodeCharset(text, charset);
  if (encoding === 'B') return `=?${charset}?B?${bytes.toString('base64')}?=`;
  let encoded = '';
  for (const byte of bytes) {
    if (byte === 0x20) encoded += '_';
    else if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)) encoded += String.fromCharCode(byte);
    else encoded += `=${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
  }
  return `=?${charset}?Q?${encoded}?=`;
}

/** `name="value"`, or RFC 2231 `name*=utf-8''percent-encoded` when the value is not plain ASCII (file names). */
export function headerParameter(name: string, value: string): string {
  if (isAscii(value) && !/["\\]/.test(value)) return `${name}="${value}"`;
  const percentEncoded = [...Buffer.from(value, 'utf8')]
    .map((byte) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`))
    .join('');
  return `${name}*=utf-8''${percentEncoded}`;
}

/** A header line, folded at spaces so no line of it is much longer than 78 characters. */
export function headerLine(name: string, value: string): string {
  const lines: string[] = [];
  let current = `${name}:`;
  let wordsOnLine = 0;
  // Already folded values (encoded words) are refolded from scratch: a fold is just a space to decoders.
  for (const word of value.replace(/\r\n /g, ' ').split(' ')) {
    if (wordsOnLine > 0 && current.length + 1 + word.length > 78) {
      lines.push(current);
      current = '';
    }
    current += ` ${word}`;
    wordsOnLine++;
  }
  lines.push(current);
  return lines.join(CRLF) + CRLF;
}

/**
 * Greedy word wrap to `width` columns with CRLF breaks; a word longer than the width (a Japanese
 * sentence has no spaces) is cut by characters. Keeps 7bit/8bit bodies within the 998-octet line limit.
 */
export function wrapText(paragraph: string, width: number): string {
  const lines: string[] = [];
  let current = '';
  for (const word of paragraph.split(' ')) {
    if (word === '') continue;
    let rest = word;
    while ([...rest].length > width) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      const characters = [...rest];
      lines.push(characters.slice(0, width).join(''));
      rest = characters.slice(width).join('');
    }
    if (current === '') current = rest;
    else if (current.length + 1 + rest.length <= width) current += ` ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current !== '') lines.push(current);
  return lines.join(CRLF);
}
