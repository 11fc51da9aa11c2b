import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount } from '@/lib/mail/account';
import { getConversation, getMessage, trustsSenderImages } from '@/lib/mail/mailbox';
import { getPreferences } from '@/lib/preferences/service';
import { UnknownSenderBanner } from '@/lib/ui/crm/unknown-sender-banner';
import { ConversationView } from '@/lib/ui/mail/conversation-view';
import { InboxPageHeader, InboxView } from '@/lib/ui/mail/inbox-view';
import { listQuery, readListState } from '@/lib/ui/mail/list-state';

type Props = { params: Promise<{ threadId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Thread ids are normalised Message-IDs (or generated ones): printable, and never longer than a header line. */
const THREAD_ID = /^[\x21-\x7e]{1,998}$/;

const loadConversation = cache(async (threadId: string) => {
  const user = await requireUser();
  return THREAD_ID.test(threadId) ? getConversation(await getDb(), user.id, threadId) : [];
});

async function threadIdOf(params: Props['params']): Promise<string> {
  try {
    return decodeURIComponent((await params).threadId);
  } catch {
    return '';
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const messages = await loadConversation(await threadIdOf(params));
  return { title: messages.at(-1)?.subject || (await getTranslations('mailView'))('noSubject') };
}

export default async function ConversationPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const db = await getDb();
  const threadId = await threadIdOf(params);
  const [messages, account, preferences, query, requestHeaders] = await Promise.all([
    loadConversation(threadId),
    getMailAccount(db, user.id),
    getPreferences(db, user.id),
    searchParams,
    headers(),
  ]);
  const newest = messages.at(-1);
  if (!newest || !account) notFound();
  const latest = await getMessage(db, user.id, newest.id);
  if (!latest) notFound();
  const state = readListState(query);
  if (!state) notFound();
  const listState = state.search || state.folderId ? state : { ...state, folderId: newest.folderId, conversations: true };
  const listParams = listQuery(listState, { before: state.before, after: state.after });
  const trusted = await trustsSenderImages(db, user.id, latest.fromAddresses.map((person) => person.address));

  return (
    <>
      <InboxPageHeader hiddenOnPhone />
      <InboxView db={db} user={user} account={account} state={listState} openThreadId={threadId}>
        <ConversationView
          messages={messages}
          latest={latest}
          listHref={`/inbox${listParams}`}
          messageHref={(id) => `/inbox/messages/${id}${listParams}`}
          showRemoteImages={preferences.showRemoteImages || trusted}
          nonce={requestHeaders.get('x-nonce')}
          senderBanner={<UnknownSenderBanner viewer={user} messageId={latest.id} />}
        />
      </InboxView>
    </>
  );
}
