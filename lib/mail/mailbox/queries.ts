import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, mailAccountSync, mailAttachments, mailFolders, mailMessages } from '@/db/schema';
import { ownAccount } from './own-account';

/** What the Inbox pages read besides the message lists (message-list.ts). */

/**
 * Every folder of the account for the Inbox's folder list: imported ones first by kind, with their
 * unread counts (kept on the folder row by triggers, so reading them costs nothing however large the
 * folder), and the others, which the user can switch on from there.
 */
export async function listFolders(db: Database, userId: string) {
  return db
    .select({
      id: mailFolders.id,
      name: mailFolders.name,
      path: mailFolders.path,
      specialUse: mailFolders.specialUse,
      selectedForImport: mailFolders.selectedForImport,
      imported: sql<boolean>`${mailFolders.importedSince} is not null`,
      unread: mailFolders.unreadCount,
    })
    .from(mailFolders)
    .where(eq(mailFolders.accountId, ownAccount(userId)))
    .orderBy(
      sql`case ${mailFolders.specialUse} when 'inbox' then 0 when 'drafts' then 1 when 'sent' then 2 when 'archive' then 3 when 'junk' then 4 when 'trash' then 5 else 6 end`,
      asc(mailFolders.path),
    );
}

export type FolderListEntry = Awaited<ReturnType<typeof listFolders>>[number];

export async function getMessage(db: Database, userId: string, messageId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(messageId)) return undefined;
  const [message] = await db
    .select()
    .from(mailMessages)
    .where(and(eq(mailMessages.id, messageId), eq(mailMessages.accountId, ownAccount(userId))));
  if (!message) return undefined;
  const attachments = await db
    .select({
      id: mailAttachments.id,
      filename: mailAttachments.filename,
      contentType: mailAttachments.contentType,
      size: mailAttachments.size,
      isInline: mailAttachments.isInline,
      part: mailAttachments.part,
    })
    .from(mailAttachments)
    .where(eq(mailAttachments.messageId, message.id));
  return { ...message, attachments };
}

/** Every message of a conversation in the user's account, in any folder, oldest first. */
export async function getConversation(db: Database, userId: string, threadId: string) {
  return db
    .select({
      id: mailMessages.id,
      folderId: mailMessages.folderId,
      folderSpecialUse: mailFolders.specialUse,
      folderName: mailFolders.name,
      subject: mailMessages.subject,
      from: mailMessages.fromAddresses,
      to: mailMessages.toAddresses,
      snippet: mailMessages.snippet,
      sentAt: mailMessages.sentAt,
      receivedAt: mailMessages.receivedAt,
      flags: mailMessages.flags,
      hasAttachments: mailMessages.hasAttachments,
    })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailMessages.accountId, ownAccount(userId)), eq(mailMessages.threadId, threadId)))
    .orderBy(sql`coalesce(${mailMessages.sentAt}, ${mailMessages.receivedAt}) asc`, asc(mailMessages.id))
    .limit(500);
}

/**
 * An attachment with what it takes to fetch it from the server (its folder, UID and part), only when
 * it belongs to a message of the user's own account.
 */
export async function getAttachmentForUser(db: Database, userId: string, attachmentId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(attachmentId)) return undefined;
  const [attachment] = await db
    .select({
      mailMessageId: mailAttachments.messageId,
      filename: mailAttachments.filename,
      contentType: mailAttachments.contentType,
      size: mailAttachments.size,
      part: mailAttachments.part,
      content: mailAttachments.content,
      folderPath: mailFolders.path,
      uidValidity: mailMessages.uidValidity,
      uid: mailMessages.uid,
    })
    .from(mailAttachments)
    .innerJoin(mailMessages, eq(mailMessages.id, mailAttachments.messageId))
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailAttachments.id, attachmentId), eq(mailMessages.accountId, ownAccount(userId))));
  return attachment;
}

export type OwnAttachment = NonNullable<Awaited<ReturnType<typeof getAttachmentForUser>>>;

export async function getImportState(db: Database, userId: string) {
  const [state] = await db
    .select({ progress: mailAccountSync.progress, lastPassAt: mailAccountSync.lastPassAt, lastError: mailAccountSync.lastError })
    .from(mailAccountSync)
    .where(eq(mailAccountSync.accountId, ownAccount(userId)));
  return state;
}

/** Every folder of the user's account, for choosing which ones are imported. */
export async function listAllFolders(db: Database, userId: string) {
  return db
    .select({ id: mailFolders.id, name: mailFolders.name, path: mailFolders.path, specialUse: mailFolders.specialUse, selectedForImport: mailFolders.selectedForImport })
    .from(mailFolders)
    .where(eq(mailFolders.accountId, ownAccount(userId)))
    .orderBy(sql`${mailFolders.specialUse} = 'inbox' desc`, sql`${mailFolders.specialUse} = 'sent' desc`, asc(mailFolders.path));
}

/**
 * Switches folders of the user's own account on or off for import. A folder switched on is imported
 * on the next pass (which is made due now); one switched off keeps what was imported so far.
 */
export async function setFoldersSelected(db: Database, userId: string, selectedIds: readonly string[]): Promise<void> {
  await db.transaction(async (tx) => {
    const folders = await tx.select({ id: mailFolders.id }).from(mailFolders).where(eq(mailFolders.accountId, ownAccount(userId)));
    const wanted = new Set(selectedIds);
    for (const folder of folders) {
      await tx.update(mailFolders).set({ selectedForImport: wanted.has(folder.id) }).where(eq(mailFolders.id, folder.id));
    }
    await tx.update(mailAccountSync).set({ nextPassAt: new Date() }).where(eq(mailAccountSync.accountId, ownAccount(userId)));
  });
}

/** Switches one folder of the user's own account on for import and makes the account due; its account id, or null when the folder is not theirs. */
export async function switchFolderOn(db: Database, userId: string, folderId: string): Promise<string | null> {
  const [folder] = await db
    .update(mailFolders)
    .set({ selectedForImport: true })
    .where(and(eq(mailFolders.id, folderId), eq(mailFolders.accountId, ownAccount(userId))))
    .returning({ accountId: mailFolders.accountId });
  if (!folder) return null;
  await db.update(mailAccountSync).set({ nextPassAt: new Date() }).where(eq(mailAccountSync.accountId, folder.accountId));
  return folder.accountId;
}

/**
 * What archiving needs of the user's own messages: headers, direction (a message in Sent or Drafts,
 * or from the account's own address, was written by the user) and where it sits on the server.
 */
export async function getMessagesForArchive(db: Database, userId: string, messageIds: readonly string[]) {
  const ids = messageIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: mailMessages.id,
      messageId: mailMessages.messageId,
      inReplyTo: mailMessages.inReplyTo,
      references: mailMessages.references,
      threadId: mailMessages.threadId,
      subject: mailMessages.subject,
      sentAt: mailMessages.sentAt,
      receivedAt: mailMessages.receivedAt,
      from: mailMessages.fromAddresses,
      to: mailMessages.toAddresses,
      cc: mailMessages.ccAddresses,
      folderSpecialUse: mailFolders.specialUse,
      accountAddress: mailAccounts.emailAddress,
    })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .innerJoin(mailAccounts, eq(mailAccounts.id, mailMessages.accountId))
    .where(and(inArray(mailMessages.id, ids), eq(mailAccounts.userId, userId)));
  return rows.map((row) => ({
    ...row,
    outgoing:
      row.folderSpecialUse === 'sent' ||
      row.folderSpecialUse === 'drafts' ||
      row.from.some((entry) => entry.address.toLowerCase() === row.accountAddress.toLowerCase()),
  }));
}
export type MessageForArchive = Awaited<ReturnType<typeof getMessagesForArchive>>[number];
