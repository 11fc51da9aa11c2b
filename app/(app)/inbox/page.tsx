import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { parseOptionalUuid, parsePage, parseSearchText, type QueryValue } from '@/lib/http/params';
import { getMailAccount } from '@/lib/mail/accounts';
import { MESSAGES_PER_PAGE, getImportState, listImportedFolders, listMessages } from '@/lib/mail/mailbox';
import { EmptyState, PageHeader } from '@/lib/ui/empty-state';
import { FormAlert } from '@/lib/ui/form';
import { ConnectMailbox } from '@/lib/ui/mail/connect-mailbox';
import { ImportProgress } from '@/lib/ui/mail/import-progress';
import { MessageList } from '@/lib/ui/mail/message-list';
import { RefreshWhileImporting } from '@/lib/ui/mail/refresh-while-importing';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('nav'))('inbox') };
}

type Props = { searchParams: Promise<{ folder?: QueryValue; page?: QueryValue; q?: QueryValue }> };

export default async function InboxPage({ searchParams }: Props) {
  const user = await requireUser();
  const db = await getDb();
  const [t, nav, account, params] = await Promise.all([getTranslations('mailView'), getTranslations('nav'), getMailAccount(db, user.id), searchParams]);
  // Malformed parameters are a 404, never a database error.
  const folderId = parseOptionalUuid(params.folder);
  const page = parsePage(params.page);
  const search = parseSearchText(params.q);
  if (folderId === null || page === null || search === null) notFound();

  if (!account) {
    return (
      <>
        <PageHeader title={nav('inbox')} />
        <ConnectMailbox defaultDisplayName={user.name} />
      </>
    );
  }

  const [folders, importState] = await Promise.all([listImportedFolders(db, user.id), getImportState(db, user.id)]);
  const folder = folders.find((candidate) => candidate.id === folderId) ?? folders[0];
  const { messages, total } = search
    ? await listMessages(db, user.id, { search }, page)
    : folder
      ? await listMessages(db, user.id, { folderId: folder.id }, page)
      : { messages: [], total: 0 };
  const importing = !importState?.lastPassAt || importState.progress !== null;
  const pageLink = (target: number) =>
    search ? `/inbox?${new URLSearchParams({ q: search, page: String(target) })}` : `/inbox?folder=${folder?.id ?? ''}&page=${target}`;

  return (
    <>
      <PageHeader title={nav('inbox')}>
        <div className="flex gap-4 text-sm">
          <Link href="/inbox/compose" className="font-medium text-indigo-700 hover:underline">
            {t('write')}
          </Link>
          <Link href="/settings/email" className="font-medium text-indigo-700 hover:underline">
            {t('emailOptions')}
          </Link>
        </div>
      </PageHeader>
      <div className="flex flex-col gap-4">
        {account.status === 'auth_failed' ? (
          <div className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert">
            <span>{t('reconnectNeeded', { address: account.emailAddress })}</span>
            <Link href="/settings/email" className="font-medium underline">
              {t('reconnect')}
            </Link>
          </div>
        ) : null}
        {account.status === 'error' && account.lastError ? <FormAlert tone="warning" message={t('importError')} /> : null}
        {importing ? (
          <>
            <ImportProgress progress={importState?.progress ?? null} />
            <RefreshWhileImporting />
          </>
        ) : null}
        <form role="search" action="/inbox" className="flex gap-2">
          <input
            type="search"
            name="q"
            defaultValue={search ?? ''}
            placeholder={t('searchPlaceholder')}
            aria-label={t('search')}
            className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium">
            {t('search')}
          </button>
        </form>
        {search ? (
          <p className="text-sm text-slate-600">
            {t('searchResults', { count: total, query: search })}{' '}
            <Link href={`/inbox?folder=${folder?.id ?? ''}`} className="font-medium text-indigo-700 hover:underline">
              {t('clearSearch')}
            </Link>
          </p>
        ) : folders.length > 1 ? (
          <nav aria-label={t('folders')} className="flex gap-2 overflow-x-auto">
            {folders.map((candidate) => (
              <Link
                key={candidate.id}
                href={`/inbox?folder=${candidate.id}`}
                aria-current={candidate.id === folder?.id ? 'page' : undefined}
                className={`shrink-0 rounded-full border px-3 py-1 text-sm ${candidate.id === folder?.id ? 'border-indigo-600 bg-indigo-50 text-indigo-700' : 'border-slate-300'}`}
              >
                {candidate.specialUse ? t(`folder.${candidate.specialUse}`) : candidate.name}
              </Link>
            ))}
          </nav>
        ) : null}
        {messages.length > 0 ? (
          <MessageList messages={messages} showRecipients={!search && folder?.specialUse === 'sent'} />
        ) : search ? (
          <EmptyState title={t('noResultsTitle')} body={t('noResultsBody')} />
        ) : importing ? null : (
          <EmptyState title={t('emptyTitle')} body={t('emptyBody', { days: env().numberOfDaysToDownload })} />
        )}
        {total > MESSAGES_PER_PAGE ? (
          <div className="flex items-center justify-between text-sm">
            {page > 1 ? <Link href={pageLink(page - 1)}>{t('newer')}</Link> : <span />}
            <span className="text-slate-500">{t('pageOf', { page, pages: Math.ceil(total / MESSAGES_PER_PAGE) })}</span>
            {page * MESSAGES_PER_PAGE < total ? <Link href={pageLink(page + 1)}>{t('older')}</Link> : <span />}
          </div>
        ) : null}
      </div>
    </>
  );
}
