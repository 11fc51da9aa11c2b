import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailMessages } from '@/db/schema';
import { searchQueryLiteral } from '@/lib/search';
import { ownAccountId } from './own-account';

/**
 * Message lists by keyset: a page is "the N messages before (or after) this one" in (received_at,
 * id) order, never OFFSET and never an exact count, so page 500 costs what page 1 costs (one index
 * range scan of N rows), however large the folder.
 */

export const MESSAGES_PER_PAGE = 50;

/** Which list: a folder, or a search across the imported folders. */
export type ListScope = { folderId: string } | { search: string };

/**
 * A place in a list: the received time in microseconds since the epoch (Postgres' precision, which a
 * JavaScript Date would round) and the id that breaks ties. Written into URLs as `micros.id`.
 */
export interface ListCursor {
  micros: string;
  id: string;
}

export type PageDirection = { before: ListCursor } | { after: ListCursor } | null;

const CURSOR_PATTERN = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function parseListCursor(text: string | undefined | null): ListCursor | null {
  const match = text ? CURSOR_PATTERN.exec(text) : null;
  return match ? { micros: match[1]!, id: match[2]! } : null;
}

export function formatListCursor(cursor: ListCursor): string {
  return `${cursor.micros}.${cursor.id}`;
}

const receivedMicros = sql<string>`(extract(epoch from ${mailMessages.receivedAt}) * 1000000)::bigint::text`;
const cursorTime = (cursor: ListCursor) => sql`(timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond')`;

const LIST_COLUMNS = {
  id: mailMessages.id,
  folderId: mailMessages.folderId,
  threadId: mailMessages.threadId,
  messageId: mailMessages.messageId,
  subject: mailMessages.subject,
  from: mailMessages.fromAddresses,
  to: mailMessages.toAddresses,
  snippet: mailMessages.snippet,
  receivedAt: mailMessages.receivedAt,
  receivedMicros,
  flags: mailMessages.flags,
  hasAttachments: mailMessages.hasAttachments,
};

function scopeCondition(scope: ListScope): SQL | null {
  if ('folderId' in scope) return eq(mailMessages.folderId, scope.folderId);
  const query = searchQueryLiteral(scope.search);
  return query === null ? null : sql`${mailMessages.search} @@ ${query}::tsquery`;
}

function pageCondition(direction: PageDirection): SQL | undefined {
  if (!direction) return undefined;
  if ('before' in direction) return sql`(${mailMessages.receivedAt}, ${mailMessages.id}) < (${cursorTime(direction.before)}, ${direction.before.id}::uuid)`;
  return sql`(${mailMessages.receivedAt}, ${mailMessages.id}) > (${cursorTime(direction.after)}, ${direction.after.id}::uuid)`;
}

export interface MessagePage<Entry> {
  messages: Entry[];
  /** Where the next older page starts, when there is one. */
  older: ListCursor | null;
  /** Where the next newer page starts, when this is not the first page. */
  newer: ListCursor | null;
}

function pageOf<Entry extends { id: string; receivedMicros: string }>(rows: Entry[], direction: PageDirection, limit: number): MessagePage<Entry> {
  const goingNewer = direction !== null && 'after' in direction;
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (goingNewer) page.reverse();
  const cursorOf = (entry: Entry | undefined) => (entry ? { micros: entry.receivedMicros, id: entry.id } : null);
  return {
    messages: page,
    older: goingNewer || hasMore ? cursorOf(page.at(-1)) : null,
    newer: direction === null ? null : goingNewer && !hasMore ? null : cursorOf(page[0]),
  };
}

/** One page of a folder or of a search, newest first. A search with no searchable word finds nothing. */
export async function listMessages(db: Database, userId: string, scope: ListScope, direction: PageDirection = null, limit = MESSAGES_PER_PAGE) {
  const accountId = await ownAccountId(db, userId);
  const condition = scopeCondition(scope);
  if (!accountId || !condition) return { messages: [], older: null, newer: null } satisfies MessagePage<never>;
  const goingNewer = direction !== null && 'after' in direction;
  const rows = await db
    .select(LIST_COLUMNS)
    .from(mailMessages)
    .where(and(eq(mailMessages.accountId, accountId), condition, pageCondition(direction)))
    .orderBy(goingNewer ? sql`${mailMessages.receivedAt} asc, ${mailMessages.id} asc` : sql`${mailMessages.receivedAt} desc, ${mailMessages.id} desc`)
    .limit(limit + 1);
  return pageOf(rows, direction, limit);
}

export type MessageListEntry = Awaited<ReturnType<typeof listMessages>>['messages'][number];

/**
 * A folder by conversation: each thread once, as its newest message in the folder, with how many
 * messages the whole conversation has (in any folder: replies sit in Sent) and whether any is unread.
 */
export async function listConversations(db: Database, userId: string, folderId: string, direction: PageDirection = null, limit = MESSAGES_PER_PAGE) {
  const accountId = await ownAccountId(db, userId);
  if (!accountId) return { messages: [], older: null, newer: null } satisfies MessagePage<never>;
  const goingNewer = direction !== null && 'after' in direction;
  const rows = await db
    .select({
      ...LIST_COLUMNS,
      // Spelled out: in a select list Drizzle writes columns unqualified, which inside these
      // subqueries would name the inner table's own columns.
      threadSize: sql<number>`(select count(*) from mail_messages t where t.account_id = mail_messages.account_id and t.thread_id = mail_messages.thread_id)::integer`,
      threadUnread: sql<boolean>`exists (select 1 from mail_messages t where t.account_id = mail_messages.account_id and t.thread_id = mail_messages.thread_id and not ('\\Seen' = any(t.flags)))`,
    })
    .from(mailMessages)
    .where(
      and(
        eq(mailMessages.accountId, accountId),
        eq(mailMessages.folderId, folderId),
        pageCondition(direction),
        sql`not exists (select 1 from mail_messages n where n.folder_id = mail_messages.folder_id and n.thread_id = mail_messages.thread_id
              and (n.received_at, n.id) > (mail_messages.received_at, mail_messages.id))`,
      ),
    )
    .orderBy(goingNewer ? sql`${mailMessages.receivedAt} asc, ${mailMessages.id} asc` : sql`${mailMessages.receivedAt} desc, ${mailMessages.id} desc`)
    .limit(limit + 1);
  return pageOf(rows, direction, limit);
}

export type ConversationListEntry = Awaited<ReturnType<typeof listConversations>>['messages'][number];

/** The messages just newer and just older than `messageId` in the same list, for next/previous (j/k). */
export async function neighboursInList(db: Database, userId: string, scope: ListScope, messageId: string) {
  const accountId = await ownAccountId(db, userId);
  const condition = scopeCondition(scope);
  if (!accountId || !condition) return { newer: null, older: null };
  const [current] = await db
    .select({ id: mailMessages.id, receivedMicros })
    .from(mailMessages)
    .where(and(eq(mailMessages.id, messageId), eq(mailMessages.accountId, accountId)));
  if (!current) return { newer: null, older: null };
  const cursor = { micros: current.receivedMicros, id: current.id };
  const [older, newer] = await Promise.all(
    (['before', 'after'] as const).map(async (side) => {
      const [row] = await db
        .select({ id: mailMessages.id })
        .from(mailMessages)
        .where(and(eq(mailMessages.accountId, accountId), condition, pageCondition(side === 'before' ? { before: cursor } : { after: cursor })))
        .orderBy(side === 'before' ? sql`${mailMessages.receivedAt} desc, ${mailMessages.id} desc` : sql`${mailMessages.receivedAt} asc, ${mailMessages.id} asc`)
        .limit(1);
      return row?.id ?? null;
    }),
  );
  return { older: older ?? null, newer: newer ?? null };
}
