import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, mailAccountSync, mailFolders, mailMessages, mailPendingOperations, type MailFolder, type MailPendingOperation } from '@/db/schema';

/**
 * What the user changes in the Inbox: the local rows change at once (the page shows it on the next
 * render), and each change is queued in mail_pending_operations for the importer to write to the
 * server under the account's lease (lib/mail/sync/write-back.ts). The account is made due now, so
 * the next pass, which the caller also starts, carries it out within seconds.
 *
 * Every message is looked up through the user's own account, so an id of someone else's message
 * changes nothing.
 */

export type MessageChange =
  | { kind: 'seen'; value: boolean }
  | { kind: 'flagged'; value: boolean }
  | { kind: 'move'; destinationFolderId: string }
  /** To the Trash folder; in the Trash (or where there is none) for good. */
  | { kind: 'delete' };

export interface ChangeResult {
  accountId: string | null;
  /** Messages that changed (those already in the wanted state are left alone). */
  changed: number;
  /** Of those, deleted for good rather than moved to the Trash. */
  deletedForGood: number;
}

const FLAG_FOR: Record<'seen' | 'flagged', string> = { seen: '\\Seen', flagged: '\\Flagged' };
const MAX_MESSAGES_PER_CHANGE = 5000;

interface TargetMessage {
  id: string;
  folderId: string;
  folderPath: string;
  folderSpecialUse: MailFolder['specialUse'];
  uidValidity: number;
  uid: number;
  flags: string[];
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export async function changeMessages(db: Database, userId: string, messageIds: readonly string[], change: MessageChange): Promise<ChangeResult> {
  const ids = [...new Set(messageIds)].slice(0, MAX_MESSAGES_PER_CHANGE);
  return db.transaction(async (tx) => {
    const accountId = await ownAccountId(tx, userId);
    if (!accountId || ids.length === 0) return { accountId, changed: 0, deletedForGood: 0 };
    const messages = await tx
      .select({
        id: mailMessages.id,
        folderId: mailMessages.folderId,
        folderPath: mailFolders.path,
        folderSpecialUse: mailFolders.specialUse,
        uidValidity: mailMessages.uidValidity,
        uid: mailMessages.uid,
        flags: mailMessages.flags,
      })
      .from(mailMessages)
      .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
      .where(and(eq(mailMessages.accountId, accountId), inArray(mailMessages.id, ids)))
      // Locked so two changes to the same messages queue their operations in one order.
      .for('update', { of: mailMessages });
    const pendingMoves = await pendingMovesOf(tx, messages.map((message) => message.id));
    let result: ChangeResult;
    switch (change.kind) {
      case 'seen':
      case 'flagged':
        result = await changeFlag(tx, accountId, messages, pendingMoves, FLAG_FOR[change.kind], change.value);
        break;
      case 'move':
        result = await moveMessages(tx, accountId, messages, pendingMoves, change.destinationFolderId);
        break;
      case 'delete':
        result = await deleteMessages(tx, accountId, messages, pendingMoves);
        break;
    }
    if (result.changed > 0) await tx.update(mailAccountSync).set({ nextPassAt: sql`now()` }).where(eq(mailAccountSync.accountId, accountId));
    return result;
  });
}

async function ownAccountId(tx: Transaction, userId: string): Promise<string | null> {
  const [row] = await tx.select({ id: mailAccounts.id }).from(mailAccounts).where(eq(mailAccounts.userId, userId));
  return row?.id ?? null;
}

/** Moves not yet on the server, by message: while one is pending, the server still has the message at the move's source. */
async function pendingMovesOf(tx: Transaction, messageIds: readonly string[]): Promise<Map<string, MailPendingOperation>> {
  if (messageIds.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(mailPendingOperations)
    .where(and(inArray(mailPendingOperations.messageId, [...messageIds]), eq(mailPendingOperations.kind, 'move'), isNull(mailPendingOperations.droppedAt)))
    .orderBy(asc(mailPendingOperations.createdAt));
  return new Map(rows.map((row) => [row.messageId!, row]));
}

/** Where the server has the message now: its own place, or the source of a move still to be made. */
function serverPlace(message: TargetMessage, pendingMove: MailPendingOperation | undefined) {
  return pendingMove
    ? { folderPath: pendingMove.folderPath, uidValidity: pendingMove.uidValidity, uid: pendingMove.uid }
    : { folderPath: message.folderPath, uidValidity: message.uidValidity, uid: message.uid };
}

async function changeFlag(
  tx: Transaction,
  accountId: string,
  messages: readonly TargetMessage[],
  pendingMoves: Map<string, MailPendingOperation>,
  flag: string,
  value: boolean,
): Promise<ChangeResult> {
  const toChange = messages.filter((message) => message.flags.includes(flag) !== value);
  if (toChange.length === 0) return { accountId, changed: 0, deletedForGood: 0 };
  const ids = toChange.map((message) => message.id);
  await tx
    .update(mailMessages)
    .set({
      flags: value
        ? sql`(select array_agg(distinct f order by f) from unnest(array_append(${mailMessages.flags}, ${flag})) as f)`
        : sql`array_remove(${mailMessages.flags}, ${flag})`,
    })
    .where(inArray(mailMessages.id, ids));
  await tx.insert(mailPendingOperations).values(
    toChange.map((message) => ({
      accountId,
      messageId: message.id,
      kind: 'flags' as const,
      ...serverPlace(message, pendingMoves.get(message.id)),
      addFlags: value ? [flag] : [],
      removeFlags: value ? [] : [flag],
    })),
  );
  return { accountId, changed: toChange.length, deletedForGood: 0 };
}

async function moveMessages(
  tx: Transaction,
  accountId: string,
  messages: readonly TargetMessage[],
  pendingMoves: Map<string, MailPendingOperation>,
  destinationFolderId: string,
): Promise<ChangeResult> {
  const [destination] = await tx
    .select({ id: mailFolders.id, path: mailFolders.path })
    .from(mailFolders)
    .where(and(eq(mailFolders.id, destinationFolderId), eq(mailFolders.accountId, accountId)));
  if (!destination) return { accountId, changed: 0, deletedForGood: 0 };
  const toMove = messages.filter((message) => message.folderId !== destination.id);
  for (const message of toMove) {
    const pending = pendingMoves.get(message.id);
    if (pending) {
      // Moved again before the first move reached the server: one move, to the new place; or none,
      // when the message goes back where the server has it.
      if (pending.folderPath === destination.path) {
        await tx.delete(mailPendingOperations).where(eq(mailPendingOperations.id, pending.id));
        await tx
          .update(mailMessages)
          .set({ folderId: destination.id, uidValidity: pending.uidValidity, uid: pending.uid })
          .where(eq(mailMessages.id, message.id));
      } else {
        await tx.update(mailPendingOperations).set({ destinationPath: destination.path }).where(eq(mailPendingOperations.id, pending.id));
        await tx.update(mailMessages).set({ folderId: destination.id }).where(eq(mailMessages.id, message.id));
      }
      continue;
    }
    await tx.insert(mailPendingOperations).values({
      accountId,
      messageId: message.id,
      kind: 'move',
      folderPath: message.folderPath,
      uidValidity: message.uidValidity,
      uid: message.uid,
      destinationPath: destination.path,
    });
    // Shown in the destination at once; uid_validity 0 marks a UID the server has not given yet
    // (real UIDVALIDITYs are never 0), and a negative placeholder UID keeps the unique key free.
    await tx
      .update(mailMessages)
      .set({ folderId: destination.id, uidValidity: 0, uid: sql`-(floor(random() * 4503599627370496))::bigint - 1` })
      .where(eq(mailMessages.id, message.id));
  }
  return { accountId, changed: toMove.length, deletedForGood: 0 };
}

async function deleteMessages(
  tx: Transaction,
  accountId: string,
  messages: readonly TargetMessage[],
  pendingMoves: Map<string, MailPendingOperation>,
): Promise<ChangeResult> {
  const [trash] = await tx
    .select({ id: mailFolders.id })
    .from(mailFolders)
    .where(and(eq(mailFolders.accountId, accountId), eq(mailFolders.specialUse, 'trash')));
  const forGood = messages.filter((message) => !trash || message.folderId === trash.id);
  const toTrash = messages.filter((message) => !forGood.includes(message));
  const moved = trash ? await moveMessages(tx, accountId, toTrash, pendingMoves, trash.id) : { changed: 0 };
  for (const message of forGood) {
    const pending = pendingMoves.get(message.id);
    if (pending) {
      // Never reached the Trash on the server: delete it where it still is.
      await tx.update(mailPendingOperations).set({ kind: 'delete', destinationPath: null }).where(eq(mailPendingOperations.id, pending.id));
    } else {
      await tx.insert(mailPendingOperations).values({
        accountId,
        messageId: message.id,
        kind: 'delete',
        folderPath: message.folderPath,
        uidValidity: message.uidValidity,
        uid: message.uid,
      });
    }
  }
  if (forGood.length > 0) await tx.delete(mailMessages).where(inArray(mailMessages.id, forGood.map((message) => message.id)));
  return { accountId, changed: moved.changed + forGood.length, deletedForGood: forGood.length };
}

/** Changes the server refused for good, for the Inbox's notice; the user dismisses them. */
export async function listDroppedChanges(db: Database, userId: string) {
  return db
    .select({ id: mailPendingOperations.id, kind: mailPendingOperations.kind, reason: mailPendingOperations.lastError, droppedAt: mailPendingOperations.droppedAt })
    .from(mailPendingOperations)
    .where(
      and(
        sql`${mailPendingOperations.accountId} = (select id from mail_accounts where user_id = ${userId})`,
        sql`${mailPendingOperations.droppedAt} is not null`,
      ),
    )
    .orderBy(asc(mailPendingOperations.droppedAt))
    .limit(100);
}

export async function dismissDroppedChanges(db: Database, userId: string): Promise<void> {
  await db
    .delete(mailPendingOperations)
    .where(
      and(
        sql`${mailPendingOperations.accountId} = (select id from mail_accounts where user_id = ${userId})`,
        sql`${mailPendingOperations.droppedAt} is not null`,
      ),
    );
}
