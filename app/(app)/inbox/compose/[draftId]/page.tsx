import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount } from '@/lib/mail/account';
import { getOwnDraft } from '@/lib/mail/compose';
import { ComposePageBody, composerDraftFrom } from '@/lib/ui/compose/compose-page';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('compose'))('draftTitle') };
}

/** A saved draft (a reply, a forward, or one reopened from Drafts). */
export default async function DraftPage({ params }: { params: Promise<{ draftId: string }> }) {
  const user = await requireUser();
  const db = await getDb();
  const [t, account, { draftId }] = await Promise.all([getTranslations('compose'), getMailAccount(db, user.id), params]);
  const draft = await getOwnDraft(db, user.id, draftId);
  if (!draft) notFound();
  const title = draft.kind === 'forward' ? t('forwardTitle') : draft.kind === 'new' ? t('title') : t('replyTitle');
  return <ComposePageBody account={account} user={user} draft={await composerDraftFrom(draft, { to: '', cc: '', bcc: '', subject: '' }, '')} title={title} />;
}
