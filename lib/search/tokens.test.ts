import { describe, expect, it } from 'vitest';
import { searchLexemes, searchQueryLiteral, tsvectorLiteral } from './tokens';

describe('searchLexemes', () => {
  it('lowercases words and keeps addresses, hosts and compounds whole as well as in parts', () => {
    expect(searchLexemes('Offer for ANN@Example.com: Q3-report v1.2')).toEqual([
      'offer', 'for', 'ann@example.com', 'ann', 'example', 'com', 'example.com', 'q3-report', 'q3', 'report', 'v1.2', 'v1', '2',
    ]);
  });

  it('folds accents, also in Cyrillic, but keeps Japanese voicing marks', () => {
    expect(searchLexemes('Offert för våren, émigré')).toEqual(['offert', 'for', 'varen', 'emigre']);
    expect(searchLexemes('Привет, мой мир')).toEqual(['привет', 'мои', 'мир']);
    expect(searchLexemes('が')).toEqual(searchLexemes('が'.normalize('NFD')));
    expect(searchLexemes('が')).not.toEqual(searchLexemes('か'));
  });

  it('splits Chinese/Japanese/Korean runs into overlapping character pairs', () => {
    expect(searchLexemes('請求書 Q3売上')).toEqual(['請求', '求書', 'q3', '売上']);
    expect(searchLexemes('書')).toEqual(['書']);
  });

  it('drops duplicates, over-long tokens and stops at the limit', () => {
    expect(searchLexemes('a A a')).toEqual(['a']);
    expect(searchLexemes(`x ${'y'.repeat(101)}`)).toEqual(['x']);
    expect(searchLexemes('one two three four', 2)).toEqual(['one', 'two']);
  });
});

describe('tsvectorLiteral and searchQueryLiteral', () => {
  it('quote lexemes so quotes and backslashes survive', () => {
    expect(tsvectorLiteral(["o'brien", 'back\\slash'])).toBe("'o\\'brien' 'back\\\\slash'");
  });

  it('ANDs the query words, the last one as a prefix', () => {
    expect(searchQueryLiteral('Reply Bob')).toBe("'reply' & 'bob':*");
    expect(searchQueryLiteral(' ,.; ')).toBeNull();
  });
});
