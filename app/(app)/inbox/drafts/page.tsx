import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { listDrafts } from '@/lib/mail/compose';
import { PageHeader } from '@/lib/ui/empty-state';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('compose.drafts'))('title') };
}

/** Messages being written, to reopen; failed and unconfirmed sends are marked. */
export default async function DraftsPage() {
  const user = await requireUser();
  const db = await getDb();
  const [t, format, drafts] = await Promise.all([getTranslations('compose.drafts'), getFormatter(), listDrafts(db, user.id)]);
  return (
    <div className="max-w-3xl">
      <PageHeader title={t('title')} />
      {drafts.length === 0 ? (
        <p className="text-slate-600">{t('empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="draft-list">
          {drafts.map((draft) => (
            <li key={draft.id}>
              <Link href={`/inbox/compose/${draft.id}`} className="flex flex-col gap-0.5 px-4 py-3 hover:bg-slate-50">
                <span className="font-medium">{draft.subject || t('noSubject')}</span>
                <span className="truncate text-sm text-slate-600">{draft.toAddresses.map((entry) => entry.name || entry.address).join(', ') || t('noRecipients')}</span>
                <span className="text-xs text-slate-500">
                  {format.dateTime(draft.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                  {draft.state !== 'draft' ? ` · ${t(`state.${draft.state}`)}` : ''}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
