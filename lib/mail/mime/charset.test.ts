import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCharset, decodeUnlabelled } from './charset';

describe('decodeCharset', () => {
  it('decodes the charsets mail is written in', () => {
    expect(decodeCharset(Buffer.from('Grüße', 'utf8'), 'UTF-8')).toBe('Grüße');
    expect(decodeCharset(Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'koi8-r')).toBe('Привет');
    expect(decodeCharset(Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]), 'Shift_JIS')).toBe('こんにちは');
    expect(decodeCharset(Buffer.from('\x1b$B$3$s$K$A$O\x1b(B', 'latin1'), 'iso-2022-jp')).toBe('こんにちは');
    expect(decodeCharset(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), 'gb2312')).toBe('你好');
    expect(decodeCharset(Buffer.from([0xa7, 0x41, 0xa6, 0x6e]), 'big5')).toBe('你好');
    expect(decodeCharset(Buffer.from([0xbe, 0xc8, 0xb3, 0xe7]), 'euc-kr')).toBe('안녕');
    expect(decodeCharset(Buffer.from([0xe0, 0xe9, 0xf9]), 'iso-8859-8')).toBe('איש');
  });

  it('knows the labels mailers write besides the standard ones', () => {
    const cafe = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    for (const label of ['latin1', 'cp1252', 'ISO_8859-1', 'win-1252', 'windows_1252', ' ISO-8859-1 ']) {
      expect(decodeCharset(cafe, label)).toBe('café');
    }
    expect(decodeCharset(Buffer.from('Grüße', 'utf8'), 'utf8')).toBe('Grüße');
    expect(decodeCharset(Buffer.from([0xbe, 0xc8]), 'ks_c_5601-1987')).toBe('안');
    expect(decodeCharset(Buffer.from([0x8e]), 'cp850')).toBe('Ä');
    expect(decodeCharset(Buffer.from('Hi +AOk-', 'latin1'), 'unicode-1-1-utf-7')).toBe('Hi é');
    expect(decodeCharset(iconv.encode('Zażółć', 'iso-8859-16'), 'iso-8859-16')).toBe('Zażółć');
  });

  it('reads windows-1252 typography where ISO-8859-1 has control codes', () => {
    expect(decodeCharset(Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80]), 'iso-8859-1')).toBe('\u201chi\u201d €');
  });

  it('reads unlabelled, unknown and US-ASCII-labelled 8-bit text as UTF-8 when it is, else windows-1252', () => {
    for (const label of [null, undefined, '', 'x-unknown', 'us-ascii', 'fakescii-7', 'binary']) {
      expect(decodeCharset(Buffer.from('Grüße', 'utf8'), label)).toBe('Grüße');
      expect(decodeCharset(Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]), label)).toBe('Grüße');
    }
  });

  it('reads 8-bit text labelled ISO-2022-JP as the EUC-JP or Shift_JIS it really is', () => {
    expect(decodeCharset(Buffer.from([0xa4, 0xb3, 0xa4, 0xf3]), 'iso-2022-jp')).toBe('こん');
    expect(decodeCharset(Buffer.from([0x82, 0xb1, 0x82, 0xf1]), 'iso-2022-jp')).toBe('こん');
  });

  it('finds the byte order of UTF-16 from its BOM', () => {
    expect(decodeCharset(Buffer.from([0xfe, 0xff, 0x00, 0x48, 0x00, 0x69]), 'utf-16')).toBe('Hi');
    expect(decodeCharset(Buffer.from([0xff, 0xfe, 0x48, 0x00, 0x69, 0x00]), 'utf-16')).toBe('Hi');
  });

  it('does not decode ISO-2022-KR and HZ to a single replacement character as WHATWG does', () => {
    expect(decodeCharset(Buffer.from('plain', 'latin1'), 'iso-2022-kr')).toBe('plain');
  });
});

describe('decodeUnlabelled', () => {
  it('reads header bytes as UTF-8 when valid, else windows-1252', () => {
    expect(decodeUnlabelled(Buffer.from('Åsa Öberg', 'utf8'))).toBe('Åsa Öberg');
    expect(decodeUnlabelled(Buffer.from([0xc5, 0x73, 0x61, 0x20, 0x96]))).toBe('Åsa –');
  });
});
