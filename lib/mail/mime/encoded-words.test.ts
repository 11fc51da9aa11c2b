import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, encodedWordEnd } from './encoded-words';

describe('decodeEncodedWords', () => {
  it('decodes B and Q words in any charset', () => {
    expect(decodeEncodedWords('=?utf-8?B?R3LDvMOfZQ==?=')).toBe('Grüße');
    expect(decodeEncodedWords('=?ISO-8859-1?q?Gr=FC=DFe_aus_K=F6ln?=')).toBe('Grüße aus Köln');
    expect(decodeEncodedWords('=?koi8-r?B?8NLJ18XU?=')).toBe('Привет');
    expect(decodeEncodedWords('=?utf-8*en?Q?Hi?=')).toBe('Hi');
  });

  it('keeps the text around words and drops whitespace between adjacent words', () => {
    expect(decodeEncodedWords('Re: =?utf-8?Q?caf=C3=A9?= au lait')).toBe('Re: café au lait');
    expect(decodeEncodedWords('=?utf-8?Q?a?= \r\n =?utf-8?Q?b?=  =?iso-8859-1?Q?=E9?= c')).toBe('abé c');
    expect(decodeEncodedWords('=?utf-8?Q?a_?= =?utf-8?Q?_b?=')).toBe('a  b');
  });

  it('decodes a character split over two words', () => {
    expect(decodeEncodedWords('=?utf-8?Q?=C3?= =?utf-8?Q?=A9?=')).toBe('é');
    expect(decodeEncodedWords('=?utf-8?B?w6nD?= =?utf-8?B?qQ==?=')).toBe('éé');
    // Base64 split in the middle of a quantum.
    expect(decodeEncodedWords('=?utf-8?B?R3LD?= =?utf-8?B?vMOfZQ==?=')).toBe('Grüße');
  });

  it('leaves broken words as text', () => {
    expect(decodeEncodedWords('=?utf-8?X?abc?=')).toBe('=?utf-8?X?abc?=');
    expect(decodeEncodedWords('=?utf-8?Q?unterminated')).toBe('=?utf-8?Q?unterminated');
    expect(decodeEncodedWords('a =? b ?= c')).toBe('a =? b ?= c');
    expect(decodeEncodedWords('=?=?utf-8?Q?x?=')).toBe('=?x');
  });

  it('decodes a word in an unknown charset as UTF-8, else windows-1252', () => {
    expect(decodeEncodedWords('=?x-unknown?Q?caf=C3=A9?=')).toBe('café');
    expect(decodeEncodedWords('=?x-unknown?Q?caf=E9?=')).toBe('café');
  });
});

describe('encodedWordEnd', () => {
  it('finds where a well-formed word ends', () => {
    expect(encodedWordEnd('a =?utf-8?Q?x:y?= b', 2)).toBe(17);
    expect(encodedWordEnd('a =?utf-8?Q?x:y b', 2)).toBe(-1);
    expect(encodedWordEnd('a b', 0)).toBe(-1);
  });
});
