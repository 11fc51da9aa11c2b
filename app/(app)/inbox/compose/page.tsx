import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount } from '@/lib/mail/account';
import { getPreferences } from '@/lib/preferences/service';
import { ComposePageBody, composerDraftFrom } from '@/lib/ui/compose/compose-page';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('compose'))('title') };
}

type SearchParams = Record<string, string | string[] | undefined>;

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A new message; links may carry ?to=&cc=&bcc=&subject= (EmailAddressLink sets `to`). The draft is made at the first save. */
export default async function ComposePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const db = await getDb();
  const [t, account, preferences, params] = await Promise.all([getTranslations('compose'), getMailAccount(db, user.id), getPreferences(db, user.id), searchParams]);
  const first = (name: string) => {
    const value = params[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  const signature = preferences.signature.trim() ? `<div class="crm-signature">-- <br>${escapeHtml(preferences.signature).replace(/\n/g, '<br>')}</div>` : '';
  const draft = await composerDraftFrom(null, { to: first('to'), cc: first('cc'), bcc: first('bcc'), subject: first('subject') }, `<p><br></p>${signature}`);
  return <ComposePageBody account={account} user={user} draft={draft} title={t('title')} />;
}
