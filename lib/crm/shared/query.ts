import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { searchQueryLiteral } from '@/lib/search';
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
  const query = searchQueryLiteral(search);
  if (query === null) return sql`false`;
  return sql`${column} @@ ${query}::tsquery`;
}
