/** Keyset paging: the cursor is the last row's sort value and id, opaque to the browser. */
export interface PageCursor {
  key: string;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id]), 'utf8').toString('base64url');
}

/** Null for anything that is not a cursor we made: a tampered cursor starts from the first page. */
export function decodeCursor(value: string | null | undefined): PageCursor | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { key: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  return null;
}

export const PAGE_SIZE = 50;

export type ListSort = 'name' | 'updated';

export interface ListPage<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A page from `limit + 1` rows fetched in list order: the extra row only says there is a next page,
 * whose cursor is the last shown row's sort key and id. The sort key is paging's business only and
 * is left out of the items.
 */
export function pageFromRows<Row extends { id: string; cursorKey: string }>(rows: Row[], limit: number): ListPage<Omit<Row, 'cursorKey'>> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(({ cursorKey: _cursorKey, ...item }) => item),
    nextCursor: rows.length > limit && last ? encodeCursor({ key: last.cursorKey, id: last.id }) : null,
  };
}
