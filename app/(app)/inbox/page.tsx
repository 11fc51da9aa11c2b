import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount, toAccountView } from '@/lib/mail/accounts';
import { PageHeader } from '@/lib/ui/empty-state';
import { AccountSummary } from '@/lib/ui/mail/account-summary';
import { ConnectMailbox } from '@/lib/ui/mail/connect-mailbox';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('nav'))('inbox') };
}

export default async function InboxPage() {
  const user = await requireUser();
  const t = await getTranslations('inbox');
  const nav = await getTranslations('nav');
  const account = await getMailAccount(await getDb(), user.id);

  if (!account) {
    return (
      <>
        <PageHeader title={nav('inbox')} />
        <ConnectMailbox defaultDisplayName={user.name} />
      </>
    );
  }
  return (
    <>
      <PageHeader title={nav('inbox')}>
        <Link href="/settings/email" className="text-sm font-medium text-indigo-700 hover:underline">
          {t('emailOptions')}
        </Link>
      </PageHeader>
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <AccountSummary account={toAccountView(account)} />
        <p className="mt-4 text-sm text-slate-600">{t('importComing')}</p>
      </section>
    </>
  );
}
