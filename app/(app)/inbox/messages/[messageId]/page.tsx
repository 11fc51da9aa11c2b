import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { parseUuid } from '@/lib/http/params';
import { getMailAccount } from '@/lib/mail/account';
import { getMessage, neighboursInList, trustsSenderImages } from '@/lib/mail/mailbox';
import { getPreferences } from '@/lib/preferences/service';
import { UnknownSenderBanner } from '@/lib/ui/crm/unknown-sender-banner';
import { folderLabel, foldersOfUser, InboxPageHeader, InboxView } from '@/lib/ui/mail/inbox-view';
import { listQuery, listScope, readListState } from '@/lib/ui/mail/list-state';
import { loadMessageArchiveState } from '@/lib/ui/documents/message-archive';
import { MessageView } from '@/lib/ui/mail/message-view';

type Props = { params: Promise<{ messageId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The title and the page need the same message: one query per request. */
const loadMessage = cache(async (messageId: string) => {
  const user = await requireUser();
  const id = parseUuid(messageId);
  return id ? getMessage(await getDb(), user.id, id) : undefined;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const message = await loadMessage((await params).messageId);
  return { title: message?.subject || (await getTranslations('mailView'))('noSubject') };
}

export default async function MessagePage({ params, searchParams }: Props) {
  const user = await requireUser();
  const db = await getDb();
  const [message, account, preferences, folders, t, query, requestHeaders] = await Promise.all([
    loadMessage((await params).messageId),
    getMailAccount(db, user.id),
    getPreferences(db, user.id),
    foldersOfUser(db, user.id),
    getTranslations('mailView'),
    searchParams,
    headers(),
  ]);
  if (!message || !account) notFound();
  const state = readListState(query);
  if (!state) notFound();
  const listState = state.search || state.folderId ? state : { ...state, folderId: message.folderId };
  const scope = listScope(listState, listState.folderId);
  const [neighbours, trustedSender, archive] = await Promise.all([
    scope ? neighboursInList(db, user.id, scope, message.id) : { newer: null, older: null },
    trustsSenderImages(db, user.id, message.fromAddresses.map((person) => person.address)),
    loadMessageArchiveState(db, user, message),
  ]);
  const listParams = listQuery(listState, { before: state.before, after: state.after });
  const messageHref = (id: string | null) => (id ? `/inbox/messages/${id}${listParams}` : null);

  return (
    <>
      <InboxPageHeader hiddenOnPhone />
      <InboxView db={db} user={user} account={account} state={listState} openMessageId={message.id}>
        <MessageView
          message={message}
          folder={folders.find((folder) => folder.id === message.folderId)}
          links={{
            list: `/inbox${listParams}`,
            newer: messageHref(neighbours.newer),
            older: messageHref(neighbours.older),
          }}
          moveTargets={folders.map((folder) => ({ id: folder.id, label: folderLabel(folder, t) }))}
          showRemoteImages={preferences.showRemoteImages || trustedSender}
          markReadImmediately={preferences.markAsReadInPreview}
          nonce={requestHeaders.get('x-nonce')}
          archive={archive}
          senderBanner={<UnknownSenderBanner viewer={user} messageId={message.id} />}
        />
      </InboxView>
    </>
  );
}
