import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth/session';
import { PageHeader } from '@/lib/ui/empty-state';
import { LanguageForm } from '@/lib/ui/settings/language-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('nav'))('settings') };
}

export default async function SettingsPage() {
  const user = await requireUser();
  const t = await getTranslations('settings');
  return (
    <div className="max-w-2xl">
      <PageHeader title={t('title')} />
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">{t('languageTitle')}</h2>
        <p className="mb-3 text-sm text-slate-600">{t('languageHelp')}</p>
        <LanguageForm current={user.locale ?? 'browser'} />
      </section>
      {user.role === 'admin' ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
          <h2 className="font-medium">{t('usersTitle')}</h2>
          <p className="mb-3 text-sm text-slate-600">{t('usersHelp')}</p>
          <Link href="/settings/users" className="font-medium text-indigo-700 hover:underline">
            {t('manageUsers')}
          </Link>
        </section>
      ) : null}
    </div>
  );
}
