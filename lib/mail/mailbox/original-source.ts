import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailFolders, mailMessages } from '@/db/schema';
import { log } from '@/lib/log';
import { getMailAccount, mailboxCredentials } from '@/lib/mail/account';
import { ImapSession } from '@/lib/mail/transport';
import { classifyFailure, failure, withDownloadConnection, type AttachmentFailure } from './attachment-content';
import { ownAccount } from './own-account';

/**
 * The complete original of one of the user's imported messages, byte for byte as the server holds
 * it. The importer keeps only what the Inbox shows, so archiving into the CRM fetches the original
 * here. A message whose parsing failed at import kept its source: that is used without a round trip.
 */
export async function fetchOriginalSource(
  db: Database,
  userId: string,
  mailMessageId: string,
): Promise<{ ok: true; source: Buffer } | AttachmentFailure> {
  if (!/^[0-9a-f-]{36}$/i.test(mailMessageId)) return failure('not_found');
  const [message] = await db
    .select({
      folderPath: mailFolders.path,
      uidValidity: mailMessages.uidValidity,
      uid: mailMessages.uid,
      messageId: mailMessages.messageId,
      rawSource: mailMessages.rawSource,
    })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailMessages.id, mailMessageId), eq(mailMessages.accountId, ownAccount(userId))));
  if (!message) return failure('not_found');
  if (message.rawSource) return { ok: true, source: Buffer.from(message.rawSource) };

  const account = await getMailAccount(db, userId);
  if (!account) return failure('not_found');
  if (account.status === 'auth_failed') return failure('auth');

  return withDownloadConnection(account.id, async () => {
    let session: ImapSession | undefined;
    try {
      session = await ImapSession.open((await mailboxCredentials(db, account)).imap);
      // uid_validity 0: a local move not yet applied on the server; the UID then means nothing.
      let source = message.uidValidity === 0 ? null : await session.downloadSource(message.folderPath, message.uidValidity, message.uid);
      if (source === null && message.messageId) {
        // Moved or renumbered since the import: the Message-ID still finds it in its folder.
        const found = await session.findByMessageId(message.folderPath, message.messageId).catch(() => null);
        const uid = found?.uids.at(-1);
        if (found && uid !== undefined) source = await session.downloadSource(message.folderPath, found.uidValidity, uid);
      }
      return source === null || source.length === 0 ? failure('gone') : { ok: true as const, source };
    } catch (error) {
      const { kind, reason } = classifyFailure(error, account);
      log('warn', 'fetching an original message from the mail server failed', { mailMessageId, accountId: account.id, kind, reason });
      return failure(kind);
    } finally {
      await session?.close();
    }
  });
}
