import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth/session';
import { PageHeader } from '@/lib/ui/empty-state';
import { LanguageForm } from '@/lib/ui/settings/language-form';
import { ChangePasswordForm, SignOutEverywhereForm } from '@/lib/ui/settings/security-forms';
import { SettingsLinkSection } from '@/lib/ui/settings/settings-link-section';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('nav'))('settings') };
}

export default async function SettingsPage() {
  const user = await requireUser();
  const t = await getTranslations('settings');
  const localSettings = await getTranslations('localSettings');
  const system = await getTranslations('system');
  const security = await getTranslations('security');
  return (
    <div className="max-w-2xl">
      <PageHeader title={t('title')} />
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">{t('languageTitle')}</h2>
        <p className="mb-3 text-sm text-slate-600">{t('languageHelp')}</p>
        <LanguageForm current={user.locale ?? 'browser'} />
      </section>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">{security('passwordTitle')}</h2>
        <p className="mb-3 text-sm text-slate-600">{security('passwordHelp')}</p>
        <ChangePasswordForm />
      </section>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">{security('sessionsTitle')}</h2>
        <p className="mb-3 text-sm text-slate-600">{security('sessionsHelp')}</p>
        <SignOutEverywhereForm />
      </section>
      <SettingsLinkSection title={t('emailOptionsTitle')} help={t('emailOptionsHelp')} href="/settings/email" linkText={t('openEmailOptions')} />
      <SettingsLinkSection title={localSettings('title')} help={localSettings('sectionHelp')} href="/settings/local" linkText={localSettings('open')} />
      {user.role === 'admin' ? (
        <>
          <SettingsLinkSection title={t('usersTitle')} help={t('usersHelp')} href="/settings/users" linkText={t('manageUsers')} />
          <SettingsLinkSection title={system('linkTitle')} help={system('linkHelp')} href="/settings/system" linkText={system('open')} />
        </>
      ) : null}
    </div>
  );
}
