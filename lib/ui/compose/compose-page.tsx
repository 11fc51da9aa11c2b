import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { MailAccount, MailAddressEntry, User } from '@/db/schema';
import { env } from '@/lib/env';
import { senderOf, type OwnDraft } from '@/lib/mail/compose';
import { PageHeader } from '@/lib/ui/empty-state';
import { ComposeEditor, type ComposerDraft } from './compose-editor';

const addressText = (entries: MailAddressEntry[]) => entries.map(({ name, address }) => (name ? `${/[,;"<>]/.test(name) ? `"${name.replace(/"/g, '\\"')}"` : name} <${address}>` : address)).join(', ');

/** What the composer starts from: a saved draft, or a new one from a link's ?to=&cc=&bcc=&subject=. */
export async function composerDraftFrom(draft: OwnDraft | null, fields: { to: string; cc: string; bcc: string; subject: string }, signatureHtml: string): Promise<ComposerDraft> {
  if (!draft) return { id: null, ...fields, html: signatureHtml, attachments: [], state: 'draft', error: null, sourceMessageId: null, archiveOnSend: null };
  const t = (await getTranslations('errors')) as unknown as (key: string, values?: Record<string, string | number>) => string;
  return {
    id: draft.id,
    to: addressText(draft.toAddresses),
    cc: addressText(draft.ccAddresses),
    bcc: addressText(draft.bccAddresses),
    subject: draft.subject,
    html: draft.html,
    attachments: draft.attachments.map((file) => ({ id: file.id, filename: file.filename, size: file.size })),
    state: draft.state,
    error: draft.lastError ? t(draft.lastError.key, draft.lastError.values) : null,
    sourceMessageId: draft.sourceMessageId,
    archiveOnSend: draft.archiveOnSend,
  };
}

export async function ComposePageBody({ account, user, draft, title }: { account: MailAccount | undefined; user: Pick<User, 'name'>; draft: ComposerDraft; title: string }) {
  const t = await getTranslations('compose');
  if (!account) {
    return (
      <div className="max-w-2xl">
        <PageHeader title={title} />
        <section className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
          <h2 className="text-lg font-medium text-slate-900">{t('noAccount.title')}</h2>
          <p className="mx-auto mt-2 max-w-prose text-slate-600">{t('noAccount.body')}</p>
          <Link href="/inbox" className="mt-4 inline-flex rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-700">
            {t('noAccount.connect')}
          </Link>
        </section>
      </div>
    );
  }
  const sender = senderOf(account, user);
  return (
    <div className="max-w-3xl">
      <PageHeader title={title} />
      <p className="-mt-2 mb-3 text-sm">
        <Link href="/inbox/drafts" className="text-indigo-700 hover:underline">
          {t('drafts.title')}
        </Link>
      </p>
      <section className="rounded-lg border border-slate-200 bg-white p-3 sm:p-5">
        <ComposeEditor draft={draft} from={`${sender.name} <${sender.address}>`} maxAttachmentMb={env().mailMaxAttachmentMb} />
      </section>
    </div>
  );
}
