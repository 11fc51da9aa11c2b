import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getFormatter, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import type { MailAddressEntry } from '@/db/schema';
import { requireUser } from '@/lib/auth/session';
import { getMessage } from '@/lib/mail/mailbox';
import { getPreferences } from '@/lib/preferences/service';
import { EmailAddressLink } from '@/lib/ui/email-link';
import { HtmlBodyFrame } from '@/lib/ui/mail/html-body-frame';
import { ReplyActions } from '@/lib/ui/compose/reply-actions';

type Props = { params: Promise<{ messageId: string }> };

/** The title and the page need the same message: one query per request. */
const loadMessage = cache(async (messageId: string) => {
  const user = await requireUser();
  return getMessage(await getDb(), user.id, messageId);
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const message = await loadMessage((await params).messageId);
  return { title: message?.subject || (await getTranslations('mailView'))('noSubject') };
}

function People({ label, people }: { label: string; people: MailAddressEntry[] }) {
  if (people.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-x-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="flex min-w-0 flex-wrap gap-x-2">
        {people.map((person) => (
          <EmailAddressLink key={person.address} address={person.address} name={person.name || undefined} />
        ))}
      </dd>
    </div>
  );
}

export default async function MessagePage({ params }: Props) {
  const user = await requireUser();
  const db = await getDb();
  const [message, preferences, t, format] = await Promise.all([
    loadMessage((await params).messageId),
    getPreferences(db, user.id),
    getTranslations('mailView'),
    getFormatter(),
  ]);
  if (!message) notFound();
  const files = message.attachments.filter((attachment) => !attachment.isInline);

  return (
    <article className="flex max-w-4xl flex-col gap-4">
      <Link href={`/inbox?folder=${message.folderId}`} className="text-sm text-indigo-700 hover:underline">
        ← {t('back')}
      </Link>
      <h1 className="text-xl font-semibold">{message.subject || t('noSubject')}</h1>
      <dl className="flex flex-col gap-1">
        <People label={t('from')} people={message.fromAddresses} />
        <People label={t('to')} people={message.toAddresses} />
        <People label={t('cc')} people={message.ccAddresses} />
        <div className="text-sm text-slate-500">{format.dateTime(message.sentAt ?? message.receivedAt, { dateStyle: 'full', timeStyle: 'short' })}</div>
      </dl>
      <ReplyActions messageId={message.id} />
      {message.parseError ? <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">{t('parseError')}</p> : null}
      {message.htmlBody ? (
        <HtmlBodyFrame html={message.htmlBody} blockedRemoteImages={message.blockedRemoteImages} showRemoteImages={preferences.showRemoteImages} title={message.subject} />
      ) : (
        <pre className="whitespace-pre-wrap break-words rounded-lg border border-slate-200 bg-white p-4 font-sans text-sm">{message.textBody ?? ''}</pre>
      )}
      {files.length > 0 ? (
        <section aria-labelledby="attachments-heading">
          <h2 id="attachments-heading" className="mb-2 font-medium">
            {t('attachments')}
          </h2>
          <ul className="flex flex-col gap-1 text-sm">
            {files.map((file) => (
              <li key={file.id}>
                <a href={`/api/mail/attachments/${file.id}`} className="text-indigo-700 hover:underline">
                  {file.filename ?? t('unnamedAttachment')}
                </a>{' '}
                <span className="text-slate-500">({format.number(Math.max(1, Math.round(file.size / 1024)))} KB)</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
