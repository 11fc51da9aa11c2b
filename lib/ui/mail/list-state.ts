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

type SearchParams = Record<string, string | string[] | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SEARCH_LENGTH = 200;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Whatever the URL holds: anything malformed is read as absent, never passed on to a query. */
export function readListState(params: SearchParams): InboxListState {
  const folder = single(params.folder)?.toLowerCase();
  const search = single(params.q)?.trim().slice(0, MAX_SEARCH_LENGTH);
  return {
    folderId: folder && UUID.test(folder) ? folder : null,
    search: search ? search : null,
    before: parseListCursor(single(params.before)),
    after: parseListCursor(single(params.after)),
    conversations: single(params.view) === 'conversations',
  };
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
