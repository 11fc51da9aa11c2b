import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import { mailFolders, mailMessages, mailPendingOperations, type MailImportProgress } from '@/db/schema';
import type { ParsedMessage } from '@/lib/mail/mime';
import type { FetchedMessage } from '@/lib/mail/transport';
import type { FolderCursor } from './folder-run';
import { insertMessages } from './insert-messages';
import { withLease, type Lease, type Transaction } from './lease';

// The one transaction per batch.

const MAX_IDS_PER_STATEMENT = 1000;


export interface PreparedMessage {
  fetched: FetchedMessage;
  parsed: ParsedMessage;
  /** The tsvector literal of its search words (prepare.ts). */
  searchVector: string;
  sanitizerVersion: number;
  tokenizerVersion: number;
}

export interface FolderBatch {
  folderId: string;
  accountId: string;
  /** The folder's cursor after this batch. */
  cursor: FolderCursor;
  messages?: readonly PreparedMessage[];
  /** Current flags by UID; only stored messages whose flags differ are written. */
  flagChanges?: ReadonlyMap<number, readonly string[]>;
  removedUids?: readonly number[];
  /** Delete every stored message of the folder from another UIDVALIDITY. */
  replaceOtherValidity?: boolean;
  syncedAt: Date;
}

export interface BatchCounts {
  added: number;
  updated: number;
  removed: number;
}

/**
 * Writes one batch and the folder's cursor in one transaction, after proving the lease is still
 * held with the same fencing token. Messages already stored (a batch replayed after a crash) are
 * skipped by the unique key, so replaying is harmless.
 */
export async function commitFolderBatch(db: Database, lease: Lease, batch: FolderBatch, progress?: MailImportProgress): Promise<BatchCounts> {
  // Asked outside the transaction: PGlite has one connection, which the transaction holds.
  const lz4 = await supportsLz4(db);
  return withLease(
    db,
    lease,
    async (tx) => {
      await tuneImportTransaction(tx, lz4);
      const counts: BatchCounts = { added: 0, updated: 0, removed: 0 };
      const validity = batch.cursor.uidValidity;
      if (batch.replaceOtherValidity) {
        const removed = await tx
          .delete(mailMessages)
          .where(and(eq(mailMessages.folderId, batch.folderId), ne(mailMessages.uidValidity, validity)))
          .returning({ id: mailMessages.id });
        counts.removed += removed.length;
      }
      if (batch.removedUids && batch.removedUids.length > 0) {
        counts.removed += await deleteUids(tx, batch.folderId, validity, batch.removedUids);
      }
      if (batch.flagChanges && batch.flagChanges.size > 0) {
        counts.updated += await updateFlags(tx, batch.folderId, validity, batch.flagChanges);
      }
      if (batch.messages && batch.messages.length > 0) {
        counts.added += await insertMessages(tx, batch, batch.messages);
      }
      const { uidNext, highestModseq, importedSince, fillSince, fillBelowUid } = batch.cursor;
      await tx
        .update(mailFolders)
        .set({ uidValidity: validity, uidNext, highestModseq, importedSince, fillSince, fillBelowUid, lastSyncedAt: batch.syncedAt })
        .where(eq(mailFolders.id, batch.folderId));
      return counts;
    },
    progress,
  );
}

/**
 * Settings for this transaction only.
 * - synchronous_commit off: the commit returns before its WAL reaches the disk. A database crash can
 *   then lose the last few batches, but each batch carries its folder cursor in the same
 *   transaction, so what is lost is forgotten as a whole and simply imported again by the next pass:
 *   never a gap, never a duplicate. Each commit stops waiting for a disk flush.
 * - lz4 for the bodies Postgres compresses (TOAST): several times cheaper than the default pglz for
 *   about the same size. Only where the server was built with it (PGlite is not).
 */
async function tuneImportTransaction(tx: Transaction, lz4: boolean): Promise<void> {
  await tx.execute(
    lz4
      ? sql`select set_config('synchronous_commit', 'off', true), set_config('default_toast_compression', 'lz4', true)`
      : sql`select set_config('synchronous_commit', 'off', true)`,
  );
}

const lz4Support = new WeakMap<Database, Promise<boolean>>();

function supportsLz4(db: Database): Promise<boolean> {
  let known = lz4Support.get(db);
  if (!known) {
    known = executeRows<{ lz4: boolean }>(
      db,
      sql`select coalesce(bool_or('lz4' = any(enumvals)), false) as lz4 from pg_settings where name = 'default_toast_compression'`,
    ).then(([row]) => row?.lz4 === true, () => false);
    lz4Support.set(db, known);
  }
  return known;
}

async function deleteUids(tx: Transaction, folderId: string, uidValidity: number, uids: readonly number[]): Promise<number> {
  let removed = 0;
  for (const chunk of chunks(uids, MAX_IDS_PER_STATEMENT)) {
    const rows = await tx
      .delete(mailMessages)
      .where(and(eq(mailMessages.folderId, folderId), eq(mailMessages.uidValidity, uidValidity), inArray(mailMessages.uid, chunk)))
      .returning({ id: mailMessages.id });
    removed += rows.length;
  }
  return removed;
}

/** One UPDATE per distinct flag set (a "mark all as read" gives one), touching only rows that differ. */
async function updateFlags(tx: Transaction, folderId: string, uidValidity: number, flagsByUid: ReadonlyMap<number, readonly string[]>): Promise<number> {
  const uidsByFlags = new Map<string, { flags: string[]; uids: number[] }>();
  for (const [uid, flags] of flagsByUid) {
    const sorted = [...flags].sort();
    const key = JSON.stringify(sorted);
    const group = uidsByFlags.get(key) ?? { flags: sorted, uids: [] };
    group.uids.push(uid);
    uidsByFlags.set(key, group);
  }
  let updated = 0;
  for (const { flags, uids } of uidsByFlags.values()) {
    for (const chunk of chunks(uids, MAX_IDS_PER_STATEMENT)) {
      const rows = await tx
        .update(mailMessages)
        .set({ flags })
        .where(
          and(
            eq(mailMessages.folderId, folderId),
            eq(mailMessages.uidValidity, uidValidity),
            inArray(mailMessages.uid, chunk),
            sql`${mailMessages.flags} is distinct from ${sql.param(flags, mailMessages.flags)}`,
            // A change the user made that is not on the server yet wins over the server's older flags.
            sql`not exists (select 1 from ${mailPendingOperations} where ${mailPendingOperations.messageId} = ${mailMessages.id} and ${mailPendingOperations.droppedAt} is null)`,
          ),
        )
        .returning({ id: mailMessages.id });
      updated += rows.length;
    }
  }
  return updated;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
