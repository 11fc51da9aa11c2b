import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { documents } from '@/db/schema';

/**
 * The documents a user may see: not deleted, and shared with everyone or archived by this user.
 * Every read of documents (timelines, search, counts, the Inbox's archived marker, the document page
 * and its downloads) goes through this condition, so an "only me" document never shows elsewhere.
 */
export function visibleDocument(viewerId: string): SQL {
  return and(isNull(documents.deletedAt), or(eq(documents.visibility, 'everyone'), eq(documents.ownerId, viewerId)))!;
}

/**
 * The same condition for a correlated subquery written as raw SQL, where Drizzle would leave the
 * columns of a single-table query unqualified (alias `d`).
 */
export function visibleDocumentAlias(alias: string, viewerId: string): SQL {
  const table = sql.raw(alias);
  return sql`${table}.deleted_at is null and (${table}.visibility = 'everyone' or ${table}.owner_id = ${viewerId})`;
}
