import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount } from '@/lib/mail/account';
import { sendMailAction } from '@/lib/mail/compose/actions';
import { senderOf } from '@/lib/mail/compose';
import { getPreferences } from '@/lib/preferences/service';
import { ComposeForm, type ComposeDraft } from '@/lib/ui/compose/compose-form';
import { PageHeader } from '@/lib/ui/empty-state';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('compose'))('title') };
}

type SearchParams = Record<string, string | string[] | undefined>;

/** Links may carry ?to=&cc=&bcc=&subject= (EmailAddressLink sets `to`). */
function draftFrom(params: SearchParams): ComposeDraft {
  const first = (name: keyof ComposeDraft) => {
    const value = params[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  return { to: first('to'), cc: first('cc'), bcc: first('bcc'), subject: first('subject') };
}

export default async function ComposePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const db = await getDb();
  const [t, account, preferences, params] = await Promise.all([
    getTranslations('compose'),
    getMailAccount(db, user.id),
    getPreferences(db, user.id),
    searchParams,
  ]);

  if (!account) {
    return (
      <div className="max-w-2xl">
        <PageHeader title={t('title')} />
        <section className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
          <h2 className="text-lg font-medium text-slate-900">{t('noAccount.title')}</h2>
          <p className="mx-auto mt-2 max-w-prose text-slate-600">{t('noAccount.body')}</p>
          <Link
            href="/inbox"
            className="mt-4 inline-flex rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-700"
          >
            {t('noAccount.connect')}
          </Link>
        </section>
      </div>
    );
  }

  const sender = senderOf(account, user);
  return (
    <div className="max-w-3xl">
      <PageHeader title={t('title')} />
      <section className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
        <ComposeForm
          action={sendMailAction}
          from={`${sender.name} <${sender.address}>`}
          initial={draftFrom(params)}
          signature={preferences.signature}
        />
      </section>
    </div>
  );
}
