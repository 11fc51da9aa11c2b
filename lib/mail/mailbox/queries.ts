import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, mailAccountSync, mailAttachments, mailFolders, mailMessages } from '@/db/schema';
import { searchQueryLiteral } from '@/lib/search';

/**
 * What the Inbox pages read. Every query is scoped through the signed-in user's own account
 * (mail_accounts.user_id), never by an id from the URL alone, so nobody reads another user's mail.
 */

export const MESSAGES_PER_PAGE = 50;

const ownAccount = (userId: string) => sql`(select ${mailAccounts.id} from ${mailAccounts} where ${mailAccounts.userId} = ${userId})`;

export async function listImportedFolders(db: Database, userId: string) {
  return db
    .select({ id: mailFolders.id, name: mailFolders.name, path: mailFolders.path, specialUse: mailFolders.specialUse })
    .from(mailFolders)
    .where(and(eq(mailFolders.accountId, ownAccount(userId)), eq(mailFolders.selectedForImport, true)))
    .orderBy(sql`${mailFolders.specialUse} = 'inbox' desc`, asc(mailFolders.path));
}

/**
 * One page of a folder, newest first; or, with a search, of the matching messages in every imported
 * folder (as mail clients search), newest first. A search with no searchable word finds nothing.
 */
export async function listMessages(db: Database, userId: string, scope: { folderId: string } | { search: string }, page: number) {
  const query = 'search' in scope ? searchQueryLiteral(scope.search) : null;
  if ('search' in scope && query === null) return { messages: [], total: 0 };
  const where = and(
    eq(mailMessages.accountId, ownAccount(userId)),
    'folderId' in scope ? eq(mailMessages.folderId, scope.folderId) : sql`${mailMessages.search} @@ ${query}::tsquery`,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: mailMessages.id,
        subject: mailMessages.subject,
        from: mailMessages.fromAddresses,
        to: mailMessages.toAddresses,
        snippet: mailMessages.snippet,
        receivedAt: mailMessages.receivedAt,
        flags: mailMessages.flags,
        hasAttachments: mailMessages.hasAttachments,
      })
      .from(mailMessages)
      .where(where)
      .orderBy(desc(mailMessages.receivedAt))
      .limit(MESSAGES_PER_PAGE)
      .offset((page - 1) * MESSAGES_PER_PAGE),
    db.select({ value: count() }).from(mailMessages).where(where),
  ]);
  return { messages: rows, total: total?.value ?? 0 };
}

export type MessageListEntry = Awaited<ReturnType<typeof listMessages>>['messages'][number];

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
    })
    .from(mailAttachments)
    .where(eq(mailAttachments.messageId, message.id));
  return { ...message, attachments };
}

/**
 * An attachment with what it takes to fetch it from the server (its folder, UID and part), only when
 * it belongs to a message of the user's own account.
 */
export async function getAttachmentForUser(db: Database, userId: string, attachmentId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(attachmentId)) return undefined;
  const [attachment] = await db
    .select({
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
