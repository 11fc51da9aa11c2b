import { sql, type SQL } from 'drizzle-orm';
import { searchLexemes, tsvectorLiteral } from '@/lib/search';

/** Stored form of an e-mail address: trimmed and lower-cased, so matching ignores case. */
export function normaliseEmailAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** "https://www.Example.COM/" or "@example.com" → "example.com". */
export function normaliseDomain(domain: string): string {
  return domain
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^@/, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '')
    .replace(/\.$/, '');
}

/** The key lists sort and page by: lower-cased, accents kept (so "Åhléns" sorts as typed, near "Å"). */
export function sortKeyOf(...parts: string[]): string {
  return parts
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ')
    .toLowerCase()
    .slice(0, 200);
}

/** Phone numbers are also found by their digits alone: "+46 8-123 45 67" by "4681234567" and "081234567". */
export function phoneSearchText(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (!digits) return '';
  const national = phone.trim().startsWith('+46') ? `0${digits.slice(2)}` : '';
  return `${digits} ${national}`;
}

/** The stored search document of a record, from the same lexemes the query side uses. */
export function searchVector(...parts: (string | null | undefined)[]): SQL {
  const text = parts.filter(Boolean).join(' ');
  return sql`${tsvectorLiteral(searchLexemes(text))}::tsvector`;
}
