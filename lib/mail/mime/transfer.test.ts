import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeQuotedPrintable, decodeTransferEncoding } from './transfer';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('decodeBase64', () => {
  it('decodes lines of any length and skips whitespace and garbage', () => {
    expect(decodeBase64(bytes('SGVsbG8s\r\nIHdv\r\ncmxk\r\n')).toString()).toBe('Hello, world');
    expect(decodeBase64(bytes('SGVs bG8s\tIHdv*cmxk')).toString()).toBe('Hello, world');
    expect(decodeBase64(bytes('SGVsbG8')).toString()).toBe('Hello');
    expect(decodeBase64(bytes('')).length).toBe(0);
  });

  it('decodes pieces padded on their own, as concatenating encoders write them', () => {
    expect(decodeBase64(bytes('YQ==\r\nYg==\r\nYw==')).toString()).toBe('abc');
    expect(decodeBase64(bytes('YWI=Yw==')).toString()).toBe('abc');
  });

  it('does not read "-" and "_" as the URL-safe alphabet', () => {
    // A signature or list footer after the data is garbage, not more data.
    expect(decodeBase64(bytes('YWJj\r\n-- \r\n')).toString()).toBe('abc');
    expect(decodeBase64(bytes('YW_Jj')).toString()).toBe('abc');
  });

  it('decodes large bodies of regular lines exactly, whatever comes after them', () => {
    const content = crypto.randomBytes(300_000);
    const lines = content.toString('base64').replace(/.{76}/g, '$&\r\n');
    expect(decodeBase64(bytes(lines)).equals(content)).toBe(true);
    expect(decodeBase64(bytes(lines.replace(/\r\n/g, '\n'))).equals(content)).toBe(true);
    // An irregular line in the middle (a stray space) must not shift what follows.
    const irregular = `${lines.slice(0, 50_000)} ${lines.slice(50_000)}`;
    expect(decodeBase64(bytes(irregular)).equals(content)).toBe(true);
    const withFooter = `${lines}\r\n\r\n_______________\r\nList footer\r\n`;
    expect(decodeBase64(bytes(withFooter)).subarray(0, content.length).equals(content)).toBe(true);
  });
});

describe('decodeQuotedPrintable', () => {
  it('decodes escapes in either case and removes soft line breaks', () => {
    expect(decodeQuotedPrintable(bytes('Gr=C3=BC=c3=9fe, caf=\r\n=C3=A9=\nau lait')).toString()).toBe('Grüße, caféau lait');
  });

  it('allows whitespace after the "=" of a soft line break and drops trailing transport padding', () => {
    expect(decodeQuotedPrintable(bytes('one= \t\r\ntwo  \r\nthree\t\nfour =20\r\n')).toString()).toBe('onetwo\r\nthree\nfour  \r\n');
  });

  it('leaves broken escapes as they stand', () => {
    expect(decodeQuotedPrintable(bytes('a=ZZb =4 c')).toString()).toBe('a=ZZb =4 c');
    // An "=" at the very end is a soft line break without the line break.
    expect(decodeQuotedPrintable(bytes('end =')).toString()).toBe('end');
    expect(decodeQuotedPrintable(bytes('50% = half')).toString()).toBe('50% = half');
  });

  it('turns CRLF into LF when asked to, leaving encoded line breaks alone', () => {
    expect(decodeQuotedPrintable(bytes('a\r\nb=0D=0Ac\r'), true).toString()).toBe('a\nb\r\nc\r');
  });
});

describe('decodeTransferEncoding', () => {
  it('passes 7bit, 8bit, binary and unknown encodings through', () => {
    const body = bytes('=41 QQ==.');
    for (const encoding of ['7bit', '8bit', 'binary', 'x-uuencode', '']) expect(decodeTransferEncoding(body, encoding)).toBe(body);
    expect(decodeTransferEncoding(body, 'quoted-printable').toString()).toBe('A QQ==.');
    expect(decodeTransferEncoding(bytes('QQ=='), 'base64').toString()).toBe('A');
  });

  it('writes into the buffer it is given', () => {
    const scratch = Buffer.alloc(64);
    const decoded = decodeTransferEncoding(bytes('QUJD'), 'base64', { output: () => scratch });
    expect(decoded.toString()).toBe('ABC');
    expect(decoded.buffer).toBe(scratch.buffer);
  });
});
