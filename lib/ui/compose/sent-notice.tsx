'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { SendMailResult } from '@/lib/mail/compose';

/** What the user sees once the message has left: to whom, and whether the copy in Sent worked out. */
export function SentNotice({ result, onWriteAnother }: { result: SendMailResult; onWriteAnother: () => void }) {
  const t = useTranslations('compose.sent');
  const warnings: string[] = [];
  if (result.rejectedRecipients.length > 0) {
    warnings.push(t('partlyRejected', { recipients: result.rejectedRecipients.join(', '), count: result.rejectedRecipients.length }));
  }
  if (result.sentCopy.status === 'no-sent-folder') warnings.push(t('noSentFolder'));
  if (result.sentCopy.status === 'failed') warnings.push(t('copyFailed'));

  return (
    <section className="flex flex-col gap-3" aria-labelledby="message-sent-title">
      <div role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-green-900">
        <h2 id="message-sent-title" className="font-medium">
          {t('title')}
        </h2>
        <p className="break-words text-sm">{t('to', { recipients: result.acceptedRecipients.join(', ') })}</p>
        {result.sentCopy.status === 'saved' ? <p className="text-sm">{t('savedToSent', { folder: result.sentCopy.folder })}</p> : null}
        {result.sentCopy.status === 'saved-by-provider' ? <p className="text-sm">{t('savedByProvider')}</p> : null}
      </div>
      {warnings.map((warning) => (
        <p key={warning} role="alert" className="break-words rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {warning}
        </p>
      ))}
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={onWriteAnother} className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-700">
          {t('writeAnother')}
        </button>
        <Link href="/inbox" className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100">
          {t('toInbox')}
        </Link>
      </div>
    </section>
  );
}
