import { parseOptionalUuid, parseSearchText, singleValue, type QueryValue } from '@/lib/http/params';
import { formatListCursor, parseListCursor, type ListCursor, type ListScope, type PageDirection } from '@/lib/mail/mailbox';

/**
 * Which list the Inbox shows, as it travels in the URL: the folder (or a search), the page (a keyset
 * cursor, `before` for older, `after` for newer) and whether messages are grouped by conversation.
 * The message and conversation pages carry the same query, so the list beside a message (and
 * "back to the list" on a phone) stays where the reader left it.
 */
export interface InboxListState {
  folderId: string | null;
  search: string | null;
  before: ListCursor | null;
  after: ListCursor | null;
  conversations: boolean;
}

type SearchParams = Record<string, QueryValue>;

/** A keyset cursor parameter: undefined when absent, null when malformed. */
function parseCursorParameter(value: QueryValue): ListCursor | undefined | null {
  const single = singleValue(value);
  if (single === undefined || single === null) return single;
  return parseListCursor(single);
}

/**
 * The list the URL asks for, or null when any part of it is malformed (the page answers 404):
 * nothing malformed is ever passed on to a query.
 */
export function readListState(params: SearchParams): InboxListState | null {
  const folderId = parseOptionalUuid(params.folder);
  const search = parseSearchText(params.q);
  const before = parseCursorParameter(params.before);
  const after = parseCursorParameter(params.after);
  const view = singleValue(params.view);
  if (folderId === null || search === null || before === null || after === null || view === null) return null;
  if (view !== undefined && view !== 'conversations' && view !== 'messages') return null;
  return { folderId: folderId ?? null, search: search ?? null, before: before ?? null, after: after ?? null, conversations: view === 'conversations' };
}

export function pageDirection(state: InboxListState): PageDirection {
  if (state.before) return { before: state.before };
  if (state.after) return { after: state.after };
  return null;
}

export function listScope(state: InboxListState, folderId: string | null): ListScope | null {
  if (state.search) return { search: state.search };
  return folderId ? { folderId } : null;
}

/** The query string of `state` with `changes`; paging is dropped unless a new cursor is given. */
export function listQuery(state: InboxListState, changes: Partial<InboxListState> = {}): string {
  const next = { ...state, before: null, after: null, ...changes };
  const params = new URLSearchParams();
  if (next.search) params.set('q', next.search);
  else if (next.folderId) params.set('folder', next.folderId);
  if (next.conversations && !next.search) params.set('view', 'conversations');
  if (next.before) params.set('before', formatListCursor(next.before));
  else if (next.after) params.set('after', formatListCursor(next.after));
  const query = params.toString();
  return query ? `?${query}` : '';
}
