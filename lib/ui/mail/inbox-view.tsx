import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { cache, type ReactNode } from 'react';
import type { Database } from '@/db';
import type { MailAccount, User } from '@/db/schema';
import { env } from '@/lib/env';
import {
  getImportState,
  getMailboxVersion,
  listConversations,
  listDroppedChanges,
  listFolders,
  listMessages,
  type FolderListEntry,
} from '@/lib/mail/mailbox';
import { EmptyState, PageHeader } from '@/lib/ui/empty-state';
import { FormAlert } from '@/lib/ui/form';
import { DroppedChangesNotice } from './dropped-changes-notice';
import { FolderNav } from './folder-nav';
import { ImportProgress } from './import-progress';
import { InboxShortcuts } from './inbox-shortcuts';
import { LiveMailbox } from './live-mailbox';
import { listDateLabel } from './list-dates';
import { listQuery, listScope, pageDirection, type InboxListState } from './list-state';
import { archivedMarkers } from '@/lib/crm/documents';
import { MessageList, type MessageRow } from './message-list';
import { RefreshWhileImporting } from './refresh-while-importing';

/** The folder list, read once per request although the page and the Inbox beside it both need it. */
export const foldersOfUser = cache((db: Database, userId: string) => listFolders(db, userId));

/** "(3) Inbox": the INBOX's unread count in the tab title, as mail clients show it. */
export async function inboxTitle(db: Database, userId: string, title: string): Promise<string> {
  const unread = (await foldersOfUser(db, userId)).find((folder) => folder.specialUse === 'inbox')?.unread ?? 0;
  return unread > 0 ? `(${unread}) ${title}` : title;
}

export function folderLabel(folder: Pick<FolderListEntry, 'specialUse' | 'name'>, t: (key: string) => string): string {
  return folder.specialUse ? t(`folder.${folder.specialUse}`) : folder.name;
}

/**
 * The Inbox: folders, the message list and, when a message or conversation is open, the reading
 * pane beside them (≥ 1024 px). On a phone the open message has the screen to itself, with a way
 * back to the list where the reader left it.
 */
export async function InboxView({
  db,
  user,
  account,
  state,
  openMessageId = null,
  openThreadId = null,
  children = null,
}: {
  db: Database;
  user: User;
  account: MailAccount;
  state: InboxListState;
  openMessageId?: string | null;
  openThreadId?: string | null;
  children?: ReactNode;
}) {
  const [t, format, folders, importState, dropped, mailboxVersion] = await Promise.all([
    getTranslations('mailView'),
    getFormatter(),
    foldersOfUser(db, user.id),
    getImportState(db, user.id),
    listDroppedChanges(db, user.id),
    getMailboxVersion(db, user.id),
  ]);
  const importedFolders = folders.filter((folder) => folder.selectedForImport);
  const folder = state.search ? null : (importedFolders.find((candidate) => candidate.id === state.folderId) ?? importedFolders[0] ?? null);
  const scope = listScope(state, folder?.id ?? null);
  const direction = pageDirection(state);
  const grouped = state.conversations && !state.search && folder !== null;
  const page = !scope
    ? { messages: [], older: null, newer: null }
    : grouped
      ? await listConversations(db, user.id, folder.id, direction)
      : await listMessages(db, user.id, scope, direction);
  const currentState: InboxListState = { ...state, folderId: folder?.id ?? state.folderId };
  const query = listQuery(currentState, { before: state.before, after: state.after });
  const importing = !importState?.lastPassAt || importState.progress !== null;
  const showRecipients = !state.search && (folder?.specialUse === 'sent' || folder?.specialUse === 'drafts');
  const now = new Date();

  // Which of the listed messages the CRM holds: one indexed query for the page.
  const archived = await archivedMarkers(db, user, page.messages);
  const rows: MessageRow[] = page.messages.map((message) => {
    const people = showRecipients ? message.to : message.from;
    const threadSize = 'threadSize' in message ? (message.threadSize as number) : 1;
    const threadUnread = 'threadUnread' in message ? (message.threadUnread as boolean) : false;
    return {
      id: message.id,
      href: grouped && threadSize > 1 ? `/inbox/conversations/${encodeURIComponent(message.threadId)}${query}` : `/inbox/messages/${message.id}${query}`,
      people: people.map((person) => ({ name: person.name, address: person.address })),
      subject: message.subject,
      snippet: message.snippet,
      dateLabel: listDateLabel(format, message.receivedAt, now),
      dateTime: message.receivedAt.toISOString(),
      unread: !message.flags.includes('\\Seen') || threadUnread,
      flagged: message.flags.includes('\\Flagged'),
      hasAttachments: message.hasAttachments,
      archived: archived.has(message.id),
      threadSize,
      open: message.id === openMessageId || (openThreadId !== null && message.threadId === openThreadId),
    };
  });

  const readingOpen = children !== null;
  const moveTargets = folders.map((candidate) => ({ id: candidate.id, label: folderLabel(candidate, t) }));
  const inTrash = folder?.specialUse === 'trash';
  const progressFolder = importState?.progress ? folders.find((candidate) => candidate.path === importState.progress?.folder) : undefined;

  return (
    <div className="flex flex-col gap-3" data-testid="inbox">
      <InboxShortcuts />
      <LiveMailbox renderedVersion={mailboxVersion?.version ?? 'none'} />
      <div className={`${readingOpen ? 'hidden lg:flex' : 'flex'} flex-col gap-3`}>
        {account.status === 'auth_failed' ? (
          <div className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert">
            <span>
              {account.authMethod === 'oauth2'
                ? t('reconnectNeededProvider', { address: account.emailAddress, provider: account.oauthProvider === 'google' ? 'Google' : 'Microsoft' })
                : t('reconnectNeeded', { address: account.emailAddress })}
            </span>
            <Link href={account.authMethod === 'oauth2' ? '/settings/email' : '/settings/email?reconnect=1#account-settings'} className="font-medium underline">
              {t('reconnect')}
            </Link>
          </div>
        ) : null}
        {account.status === 'error' && account.lastError ? <FormAlert tone="warning" message={t('importError')} /> : null}
        {dropped.length > 0 ? <DroppedChangesNotice count={dropped.length} /> : null}
        {importing ? (
          <>
            <ImportProgress progress={importState?.progress ?? null} folderLabel={progressFolder ? folderLabel(progressFolder, t) : undefined} />
            <RefreshWhileImporting />
          </>
        ) : null}
      </div>
      <div className={`grid min-w-0 gap-4 ${readingOpen ? 'lg:grid-cols-[10rem_minmax(16rem,22rem)_minmax(0,1fr)] xl:grid-cols-[12rem_minmax(18rem,26rem)_minmax(0,1fr)]' : 'lg:grid-cols-[10rem_minmax(0,1fr)] xl:grid-cols-[12rem_minmax(0,1fr)]'}`}>
        <div className={`${readingOpen ? 'hidden lg:block' : ''} min-w-0`}>
          <FolderNav folders={folders} currentFolderId={state.search ? null : (folder?.id ?? null)} conversations={state.conversations} />
        </div>
        <section aria-label={t('messageList')} className={`${readingOpen ? 'hidden lg:flex' : 'flex'} min-w-0 flex-col gap-3`}>
          <form role="search" action="/inbox" className="flex gap-2">
            <input
              type="search"
              name="q"
              defaultValue={state.search ?? ''}
              placeholder={t('searchPlaceholder')}
              aria-label={t('searchMail')}
              data-shortcut="search"
              className="min-h-10 min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            <button type="submit" className="min-h-10 rounded-md border border-slate-300 px-3 py-2 text-sm font-medium">
              {t('search')}
            </button>
          </form>
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            {state.search ? (
              <p className="text-slate-600">
                {t('searchingFor', { query: state.search })}{' '}
                <Link href={`/inbox${listQuery({ ...currentState, search: null })}`} className="font-medium text-indigo-700 hover:underline">
                  {t('clearSearch')}
                </Link>
              </p>
            ) : (
              <h2 className="font-medium text-slate-900">{folder ? folderLabel(folder, t) : null}</h2>
            )}
            {!state.search && folder ? (
              <Link
                href={`/inbox${listQuery({ ...currentState, conversations: !state.conversations })}`}
                className="inline-flex min-h-10 items-center text-indigo-700 hover:underline"
                aria-pressed={state.conversations}
              >
                {state.conversations ? t('showMessages') : t('showConversations')}
              </Link>
            ) : null}
          </div>
          {rows.length > 0 ? (
            <MessageList rows={rows} moveTargets={moveTargets} currentFolderId={folder?.id ?? null} inTrash={inTrash} showRecipients={showRecipients} />
          ) : state.search ? (
            <EmptyState title={t('noResultsTitle')} body={t('noResultsBody')} />
          ) : importing ? null : (
            <EmptyState title={t('emptyTitle')} body={t('emptyBody', { days: env().numberOfDaysToDownload })} />
          )}
          {page.newer || page.older ? (
            <nav aria-label={t('pages')} className="flex items-center justify-between text-sm">
              {page.newer ? (
                <Link href={`/inbox${listQuery(currentState, { after: page.newer })}`} rel="prev" className="inline-flex min-h-10 items-center text-indigo-700 hover:underline">
                  {t('newer')}
                </Link>
              ) : (
                <span />
              )}
              {page.older ? (
                <Link href={`/inbox${listQuery(currentState, { before: page.older })}`} rel="next" className="inline-flex min-h-10 items-center text-indigo-700 hover:underline">
                  {t('older')}
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </section>
        {readingOpen ? <div className="min-w-0">{children}</div> : null}
      </div>
    </div>
  );
}

/** The Inbox's title with Write and E-mail options; on a phone an open message goes without it, to keep the screen for the mail. */
export async function InboxPageHeader({ hiddenOnPhone = false }: { hiddenOnPhone?: boolean }) {
  const [t, nav] = await Promise.all([getTranslations('mailView'), getTranslations('nav')]);
  return (
    <div className={hiddenOnPhone ? 'hidden lg:block' : undefined}>
      <PageHeader title={nav('inbox')}>
        <div className="flex flex-wrap gap-x-4 text-sm">
          <Link href="/inbox/compose" className="inline-flex min-h-10 items-center font-medium text-indigo-700 hover:underline">
            {t('write')}
          </Link>
          <Link href="/inbox/not-archived" className="inline-flex min-h-10 items-center font-medium text-indigo-700 hover:underline">
            {t('notArchived')}
          </Link>
          <Link href="/settings/email" className="inline-flex min-h-10 items-center font-medium text-indigo-700 hover:underline">
            {t('emailOptions')}
          </Link>
        </div>
      </PageHeader>
    </div>
  );
}
