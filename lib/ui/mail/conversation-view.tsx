import Link from 'next/link';
import type { ReactNode } from 'react';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { getConversation, getMessage } from '@/lib/mail/mailbox';
import { ArchiveButton } from '@/lib/ui/documents/archive-button';
import { HtmlBodyFrame } from './html-body-frame';

type ConversationMessage = Awaited<ReturnType<typeof getConversation>>[number];
type FullMessage = NonNullable<Awaited<ReturnType<typeof getMessage>>>;

/**
 * A conversation: every message of the thread in the account (replies sent from Sent included),
 * oldest first, each with who, when and where; the newest one shown in full.
 */
export async function ConversationView({
  messages,
  latest,
  listHref,
  messageHref,
  showRemoteImages,
  nonce,
  senderBanner,
}: {
  messages: ConversationMessage[];
  latest: FullMessage;
  listHref: string;
  messageHref: (id: string) => string;
  showRemoteImages: boolean;
  nonce: string | null;
  /** "Unknown sender" for the newest message, from the CRM (lib/ui/crm). */
  senderBanner?: ReactNode;
}) {
  const t = await getTranslations('mailView');
  const format = await getFormatter();
  return (
    <article className="flex min-w-0 flex-col gap-3" data-testid="conversation-view" aria-labelledby="conversation-subject">
      <Link href={listHref} className="inline-flex min-h-10 items-center text-sm text-indigo-700 hover:underline">
        ← {t('back')}
      </Link>
      <h1 id="conversation-subject" className="break-words text-xl font-semibold">
        {latest.subject || t('noSubject')} <span className="text-base font-normal text-slate-500">({messages.length})</span>
      </h1>
      <div className="flex flex-wrap gap-2">
        <ArchiveButton target={{ messageIds: messages.map((message) => message.id) }} label={(await getTranslations('documents'))('archiveThread')} testId="archive-thread" />
      </div>
      <ol className="flex flex-col gap-2">
        {messages.map((message) => {
          const sender = message.from[0];
          const isLatest = message.id === latest.id;
          return (
            <li key={message.id} className="min-w-0 rounded-lg border border-slate-200 bg-white p-3">
              <div className="flex min-w-0 flex-wrap items-baseline justify-between gap-x-3">
                <Link href={messageHref(message.id)} className={`min-w-0 truncate ${message.flags.includes('\\Seen') ? '' : 'font-semibold'} text-slate-900 hover:underline`}>
                  {sender ? sender.name || sender.address : t('noSender')}
                </Link>
                <span className="text-xs text-slate-500">
                  {message.folderSpecialUse ? t(`folder.${message.folderSpecialUse}`) : message.folderName} ·{' '}
                  {format.dateTime(message.sentAt ?? message.receivedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                </span>
              </div>
              {isLatest ? (
                <div className="mt-3 flex flex-col gap-3">
                  {senderBanner}
                  {latest.htmlBody ? (
                    <HtmlBodyFrame
                      html={latest.htmlBody}
                      blockedRemoteImages={latest.blockedRemoteImages}
                      showRemoteImages={showRemoteImages}
                      senderAddress={latest.fromAddresses[0]?.address ?? null}
                      title={latest.subject}
                      nonce={nonce}
                    />
                  ) : (
                    <pre className="whitespace-pre-wrap break-words font-sans text-sm">{latest.textBody ?? ''}</pre>
                  )}
                </div>
              ) : (
                <p className="mt-1 truncate text-sm text-slate-500">{message.snippet}</p>
              )}
            </li>
          );
        })}
      </ol>
    </article>
  );
}
