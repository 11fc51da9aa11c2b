import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount } from '@/lib/mail/account';
import { configuredOAuthProviders } from '@/lib/mail/oauth';
import { PageHeader } from '@/lib/ui/empty-state';
import { ConnectMailbox } from '@/lib/ui/mail/connect-mailbox';
import { InboxPageHeader, InboxView, inboxTitle } from '@/lib/ui/mail/inbox-view';
import { readListState } from '@/lib/ui/mail/list-state';

export async function generateMetadata(): Promise<Metadata> {
  const [user, nav] = await Promise.all([requireUser(), getTranslations('nav')]);
  return { title: await inboxTitle(await getDb(), user.id, nav('inbox')) };
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function InboxPage({ searchParams }: Props) {
  const user = await requireUser();
  const db = await getDb();
  const [nav, account, params] = await Promise.all([getTranslations('nav'), getMailAccount(db, user.id), searchParams]);

  const state = readListState(params);
  // Malformed parameters are a 404, never a database error.
  if (!state) notFound();

  if (!account) {
    return (
      <>
        <PageHeader title={nav('inbox')} />
        <ConnectMailbox defaultDisplayName={user.name} providers={configuredOAuthProviders()} />
      </>
    );
  }

  return (
    <>
      <InboxPageHeader />
      <InboxView db={db} user={user} account={account} state={state} />
    </>
  );
}
