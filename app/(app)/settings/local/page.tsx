import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getPreferences } from '@/lib/preferences/service';
import { PageHeader } from '@/lib/ui/empty-state';
import { LocalSettingsForm } from '@/lib/ui/settings/local-settings-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('localSettings'))('title') };
}

export default async function LocalSettingsPage() {
  const user = await requireUser();
  const [t, nav, preferences] = await Promise.all([getTranslations('localSettings'), getTranslations('nav'), getDb().then((db) => getPreferences(db, user.id))]);
  return (
    <div className="max-w-2xl">
      <Link href="/settings" className="text-sm text-indigo-700 hover:underline">
        ← {nav('settings')}
      </Link>
      <PageHeader title={t('title')} />
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <LocalSettingsForm emailClient={preferences.emailClient} />
      </section>
    </div>
  );
}
