import 'server-only';
import type { MailServerSettings } from '@/lib/mail/account';
import { classifyFolders, ImapSession } from '@/lib/mail/transport';

/**
 * The copies of a message kept in the user's own mailbox, all through ImapSession: the one in Drafts
 * (replaced at each save), the one in Sent, and the search for a message by its Message-ID.
 */

export type SpecialFolder = 'sent' | 'drafts';

/** Gmail and Google Workspace put every message sent through their SMTP server into "Sent Mail" themselves. */
export function storesSentMailItself(credentials: { imap: Pick<MailServerSettings, 'host'>; smtp: Pick<MailServerSettings, 'host'> }): boolean {
  return [credentials.imap.host, credentials.smtp.host].some((host) => /(^|\.)(gmail|googlemail)\.com$/i.test(host));
}

export async function withImapSession<T>(imap: MailServerSettings, work: (session: ImapSession) => Promise<T>): Promise<T> {
  const session = await ImapSession.open(imap);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The folder the server marks (RFC 6154) or names as Sent / Drafts; undefined when there is none. */
export async function findSpecialFolder(session: ImapSession, use: SpecialFolder): Promise<string | undefined> {
  const folders = classifyFolders(await session.listFolders());
  return folders.find((folder) => folder.specialUse === use)?.path;
}

export interface StoredCopy {
  folder: string;
  uid: number | null;
  uidValidity: number | null;
}

/** Appends `source` to the Drafts folder (flagged \Draft) and then removes the previous copy, if any. */
export async function replaceDraftCopy(
  imap: MailServerSettings,
  source: Buffer,
  previous: { folder: string | null; uid: number | null; uidValidity: number | null },
): Promise<StoredCopy | null> {
  return withImapSession(imap, async (session) => {
    const folder = await findSpecialFolder(session, 'drafts');
    if (!folder) return null;
    const stored = await session.appendMessage(folder, source, ['\\Draft', '\\Seen']);
    if (previous.folder && previous.uid !== null && previous.uidValidity !== null) {
      await session.deleteMessages(previous.folder, previous.uidValidity, [previous.uid]);
    }
    return { folder, ...stored };
  });
}

export async function deleteDraftCopy(imap: MailServerSettings, copy: { folder: string | null; uid: number | null; uidValidity: number | null }): Promise<void> {
  if (!copy.folder || copy.uid === null || copy.uidValidity === null) return;
  const { folder, uid, uidValidity } = copy;
  await withImapSession(imap, (session) => session.deleteMessages(folder, uidValidity, [uid]));
}

/** Whether a message with this Message-ID (no angle brackets) is in the Sent folder; null when there is no Sent folder. */
export async function isInSentFolder(imap: MailServerSettings, messageId: string): Promise<boolean | null> {
  return withImapSession(imap, async (session) => {
    const folder = await findSpecialFolder(session, 'sent');
    if (!folder) return null;
    const found = await session.findByMessageId(folder, messageId);
    return found.uids.length > 0;
  });
}

/** Files the sent message in Sent, read; the folder's path, or null when the mailbox has none. */
export async function fileSentCopy(imap: MailServerSettings, source: Buffer, date: Date): Promise<string | null> {
  return withImapSession(imap, async (session) => {
    const folder = await findSpecialFolder(session, 'sent');
    if (!folder) return null;
    await session.appendMessage(folder, source, ['\\Seen'], date);
    return folder;
  });
}
