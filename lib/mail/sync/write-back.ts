import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { mailFolders, mailMessages, mailPendingOperations, type MailPendingOperation } from '@/db/schema';
import { errorText, log } from '@/lib/log';
import type { MoveOutcome, WriteOutcome } from '@/lib/mail/transport';
import type { AccountContext } from './context';
import { withLease, type Transaction } from './lease';

/**
 * Writes the user's Inbox changes (mail_pending_operations) to the IMAP server. Runs inside the
 * account's import pass, under its lease, before the folders are synced: the sync that follows then
 * reads the server's state with the change already in it, and never sees a half-applied one.
 *
 * Consecutive operations of the same kind, folder and change become one IMAP command (a bulk
 * "mark as read" of 500 messages is one UID STORE). Outcomes:
 *  - done: the operation goes; a move with UIDPLUS gives the local row its new UID, so the message
 *    keeps its identity instead of being imported again;
 *  - the folder is gone or its UIDVALIDITY changed, the message is no longer there, or the server
 *    says NO: the operation is dropped and kept as a notice for the user; the local state follows
 *    the server on the sync that follows;
 *  - anything else (the connection, a timeout): retried with back-off, and the pass goes on only
 *    when the connection still works.
 */

const MAX_OPERATIONS_PER_PASS = 5000;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60 * 1000;

export async function applyPendingOperations(context: AccountContext): Promise<number> {
  const { db, account } = context;
  const due = await db
    .select()
    .from(mailPendingOperations)
    .where(and(eq(mailPendingOperations.accountId, account.id), isNull(mailPendingOperations.droppedAt), lte(mailPendingOperations.nextAttemptAt, new Date())))
    .orderBy(asc(mailPendingOperations.createdAt), asc(mailPendingOperations.id))
    .limit(MAX_OPERATIONS_PER_PASS);
  let applied = 0;
  for (const group of consecutiveGroups(due)) {
    // A group applied earlier in this loop may have rewritten this one's target (a move's new UID).
    const current = await reload(context, group);
    if (current.length === 0) continue;
    try {
      applied += await applyGroup(context, current);
    } catch (error) {
      await recordFailure(context, current, error);
      if (!context.session.usable) throw error;
    }
  }
  return applied;
}

type OperationGroup = MailPendingOperation[];

function groupKey(operation: MailPendingOperation): string {
  return JSON.stringify([
    operation.kind,
    operation.folderPath,
    operation.uidValidity,
    [...operation.addFlags].sort(),
    [...operation.removeFlags].sort(),
    operation.destinationPath,
  ]);
}

/** Runs of operations that one IMAP command can carry, in the order the user made them. */
function consecutiveGroups(operations: readonly MailPendingOperation[]): OperationGroup[] {
  const groups: OperationGroup[] = [];
  let previousKey: string | null = null;
  for (const operation of operations) {
    const key = groupKey(operation);
    if (key === previousKey) groups.at(-1)!.push(operation);
    else groups.push([operation]);
    previousKey = key;
  }
  return groups;
}

async function reload(context: AccountContext, group: OperationGroup): Promise<OperationGroup> {
  const rows = await context.db
    .select()
    .from(mailPendingOperations)
    .where(and(inArray(mailPendingOperations.id, group.map((operation) => operation.id)), isNull(mailPendingOperations.droppedAt)))
    .orderBy(asc(mailPendingOperations.createdAt), asc(mailPendingOperations.id));
  // Only what still belongs together (a rewritten target splits a group).
  const key = rows[0] ? groupKey(rows[0]) : null;
  return rows.filter((row) => groupKey(row) === key);
}

async function applyGroup(context: AccountContext, group: OperationGroup): Promise<number> {
  const first = group[0]!;
  const uids = group.map((operation) => operation.uid);
  const { session } = context;
  switch (first.kind) {
    case 'flags': {
      const outcome = await session.storeFlags(first.folderPath, first.uidValidity, uids, { add: first.addFlags, remove: first.removeFlags });
      return finish(context, group, outcome);
    }
    case 'delete': {
      const outcome = await session.deleteMessages(first.folderPath, first.uidValidity, uids);
      return finish(context, group, outcome);
    }
    case 'move': {
      const outcome = await session.moveMessages(first.folderPath, first.uidValidity, uids, first.destinationPath!);
      return finishMove(context, group, outcome);
    }
  }
}

async function finish(context: AccountContext, group: OperationGroup, outcome: WriteOutcome): Promise<number> {
  await withLease(context.db, context.lease, async (tx) => {
    if (outcome.status === 'done') await deleteOperations(tx, group);
    else await drop(tx, group, outcome.status);
  });
  return outcome.status === 'done' ? group.length : 0;
}

async function finishMove(context: AccountContext, group: OperationGroup, outcome: MoveOutcome): Promise<number> {
  const first = group[0]!;
  await withLease(context.db, context.lease, async (tx) => {
    if (outcome.status !== 'done') {
      await undoMoves(tx, group);
      await drop(tx, group, outcome.status);
      return;
    }
    const serverReportsUids = context.session.reportsNewUids;
    const [destination] = await tx
      .select({ id: mailFolders.id })
      .from(mailFolders)
      .where(and(eq(mailFolders.accountId, first.accountId), eq(mailFolders.path, first.destinationPath!)));
    const gone: OperationGroup = [];
    for (const operation of group) {
      const newUid = outcome.uidMap.get(operation.uid);
      if (newUid !== undefined && outcome.destinationUidValidity !== null && destination) {
        await settleMovedMessage(tx, operation, destination.id, outcome.destinationUidValidity, newUid);
      } else {
        // Without UIDPLUS the copy is imported like new mail; with it, a UID missing from the map was not there to move.
        await removePlaceholders(tx, [operation]);
        if (serverReportsUids) gone.push(operation);
      }
    }
    await deleteOperations(
      tx,
      group.filter((operation) => !gone.includes(operation)),
    );
    if (gone.length > 0) await drop(tx, gone, 'message-gone');
  });
  return group.length;
}

/**
 * The placeholder row (uid_validity 0) becomes the message at its new UID; when the sync already
 * imported that UID, the imported row stands and the placeholder goes. The user's later changes to
 * the message now target its new place.
 */
async function settleMovedMessage(tx: Transaction, operation: MailPendingOperation, folderId: string, uidValidity: number, uid: number): Promise<void> {
  if (operation.messageId) {
    const [existing] = await tx
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .where(and(eq(mailMessages.folderId, folderId), eq(mailMessages.uidValidity, uidValidity), eq(mailMessages.uid, uid)));
    if (existing) {
      await removePlaceholders(tx, [operation]);
    } else {
      await tx
        .update(mailMessages)
        .set({ folderId, uidValidity, uid })
        .where(and(eq(mailMessages.id, operation.messageId), eq(mailMessages.uidValidity, 0)));
    }
  }
  await tx
    .update(mailPendingOperations)
    .set({ folderPath: operation.destinationPath!, uidValidity, uid })
    .where(
      and(
        eq(mailPendingOperations.accountId, operation.accountId),
        eq(mailPendingOperations.folderPath, operation.folderPath),
        eq(mailPendingOperations.uidValidity, operation.uidValidity),
        eq(mailPendingOperations.uid, operation.uid),
        gt(mailPendingOperations.createdAt, operation.createdAt),
      ),
    );
}

/**
 * A move that will not happen: the local row goes back where the server still has the message (the
 * sync would not fetch it again, its UID being below the folder's cursor), or goes when that place is gone.
 */
async function undoMoves(tx: Transaction, group: OperationGroup): Promise<void> {
  for (const operation of group) {
    if (operation.kind !== 'move' || !operation.messageId) continue;
    const [source] = await tx
      .select({ id: mailFolders.id })
      .from(mailFolders)
      .where(and(eq(mailFolders.accountId, operation.accountId), eq(mailFolders.path, operation.folderPath)));
    const [taken] = source
      ? await tx
          .select({ id: mailMessages.id })
          .from(mailMessages)
          .where(and(eq(mailMessages.folderId, source.id), eq(mailMessages.uidValidity, operation.uidValidity), eq(mailMessages.uid, operation.uid)))
      : [];
    if (source && !taken) {
      await tx
        .update(mailMessages)
        .set({ folderId: source.id, uidValidity: operation.uidValidity, uid: operation.uid })
        .where(and(eq(mailMessages.id, operation.messageId), eq(mailMessages.uidValidity, 0)));
    } else {
      await removePlaceholders(tx, [operation]);
    }
  }
}

async function removePlaceholders(tx: Transaction, group: OperationGroup): Promise<void> {
  const ids = group.flatMap((operation) => (operation.kind === 'move' && operation.messageId ? [operation.messageId] : []));
  if (ids.length > 0) await tx.delete(mailMessages).where(and(inArray(mailMessages.id, ids), eq(mailMessages.uidValidity, 0)));
}

async function deleteOperations(tx: Transaction, group: OperationGroup): Promise<void> {
  if (group.length > 0) await tx.delete(mailPendingOperations).where(inArray(mailPendingOperations.id, group.map((operation) => operation.id)));
}

async function drop(tx: Transaction, group: OperationGroup, reason: string): Promise<void> {
  await tx
    .update(mailPendingOperations)
    .set({ droppedAt: sql`now()`, lastError: reason })
    .where(inArray(mailPendingOperations.id, group.map((operation) => operation.id)));
}

/** A NO from the server is its final word on this change; anything else is tried again later. */
async function recordFailure(context: AccountContext, group: OperationGroup, error: unknown): Promise<void> {
  const refused = (error as { responseStatus?: unknown }).responseStatus === 'NO';
  const attempts = (group[0]?.attempts ?? 0) + 1;
  const delayMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 20));
  log('warn', 'writing a change to the mail server failed', {
    accountId: context.account.id,
    kind: group[0]?.kind,
    messages: group.length,
    refused,
    attempts,
    error: errorText(error),
  });
  const ids = group.map((operation) => operation.id);
  if (refused) {
    await withLease(context.db, context.lease, async (tx) => {
      await undoMoves(tx, group);
      await drop(tx, group, `refused: ${errorText(error)}`.slice(0, 500));
    });
    return;
  }
  await context.db
    .update(mailPendingOperations)
    .set({ attempts, nextAttemptAt: new Date(Date.now() + delayMs), lastError: errorText(error).slice(0, 500) })
    .where(inArray(mailPendingOperations.id, ids));
}
