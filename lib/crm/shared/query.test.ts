import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './paging';
import { recordQueryLiteral } from './query';
import { normaliseDomain, phoneSearchText, sortKeyOf } from './text';

describe('CRM search queries', () => {
  it('tokenizes words as the mail search does', () => {
    expect(recordQueryLiteral('Söder Ström')).toBe("'soder' & 'strom':*");
    expect(recordQueryLiteral('  ')).toBeNull();
  });

  it('also searches a phone number by its digits, national or international', () => {
    expect(recordQueryLiteral('070-123 45')).toBe("('070-123' & '070' & '123' & '45':*) | '07012345':*");
    expect(recordQueryLiteral('+46 70 123')).toBe("('46' & '70' & '123':*) | '4670123':* | '070123':*");
    expect(phoneSearchText('+46 8-123 45 67')).toBe('4681234567 081234567');
  });
});

describe('CRM text rules', () => {
  it('normalises domains and sort keys', () => {
    expect(normaliseDomain(' https://www.Example.COM/about ')).toBe('example.com');
    expect(normaliseDomain('@example.se')).toBe('example.se');
    expect(sortKeyOf(' Öberg ', 'Eva')).toBe('öberg eva');
  });

  it('round-trips cursors and ignores tampered ones', () => {
    const cursor = { key: 'acme', id: '00000000-0000-4000-8000-000000000000' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeNull();
  });
});
