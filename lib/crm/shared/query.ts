import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { searchQueryLiteral } from '@/lib/search';
import { phoneSearchText } from './text';
import type { ListSort, PageCursor } from './paging';

/**
 * `(sort, id) > (cursor)` for the chosen order: by name ascending, or by last change, newest first.
 * The cursor key of the "updated" order is the ISO timestamp.
 */
export function keysetAfter(sort: ListSort, cursor: PageCursor | null, columns: { sortKey: AnyColumn; updatedAt: AnyColumn; id: AnyColumn }): SQL | undefined {
  if (!cursor) return undefined;
  if (sort === 'name') return sql`(${columns.sortKey}, ${columns.id}) > (${cursor.key}, ${cursor.id}::uuid)`;
  return sql`(${columns.updatedAt}, ${columns.id}) < (${cursor.key}::timestamptz, ${cursor.id}::uuid)`;
}

/**
 * The search filter of a list: every typed word, the last as a prefix, tokenized as the stored
 * vectors were. `false` when the query has no searchable word (so it finds nothing rather than all).
 */
export function listSearchCondition(search: string | undefined, column: AnyColumn): SQL | undefined {
  if (!search?.trim()) return undefined;
  const query = recordQueryLiteral(search);
  if (query === null) return sql`false`;
  return sql`${column} @@ ${query}::tsquery`;
}

/**
 * searchQueryLiteral() of what was typed, and, when it looks like a phone number ("070-123 45",
 * "+46 70 123"), also its digits as a prefix: phone numbers are stored with a digits-only word too
 * (phoneSearchText), so a number is found however it was grouped when it was typed in.
 */
export function recordQueryLiteral(text: string): string | null {
  const words = searchQueryLiteral(text);
  if (!/^[+()0-9\s./-]+$/.test(text.trim())) return words;
  const digitForms = phoneSearchText(text).split(' ').filter((digits) => digits.length >= 3);
  if (!digitForms.length) return words;
  const digits = digitForms.map((form) => `'${form}':*`).join(' | ');
  return words ? `(${words}) | ${digits}` : digits;
}

/**
 * The ORDER BY of a list. With a search, the name order goes through an expression no index has
 * (`sort_key || ''`, the same order), so Postgres finds the matches by the GIN index and sorts them,
 * instead of walking the name index and testing every row (slow for a rare word: docs/benchmarks.md).
 */
export function listOrder(sort: ListSort, searching: boolean, columns: { sortKey: AnyColumn; updatedAt: AnyColumn; id: AnyColumn }): SQL[] {
  if (sort === 'updated') return [sql`${columns.updatedAt} desc`, sql`${columns.id} desc`];
  return [searching ? sql`${columns.sortKey} || ''` : sql`${columns.sortKey}`, sql`${columns.id}`];
}
