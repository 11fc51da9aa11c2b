import Link from 'next/link';
import type { ReactNode } from 'react';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { MailAddressEntry, MailFolder } from '@/db/schema';
import type { getMessage } from '@/lib/mail/mailbox';
import { documentHref } from '@/lib/crm/documents/client';
import { ArchiveButton } from '@/lib/ui/documents/archive-button';
import { MessageArchiveBar, type MessageArchiveState } from '@/lib/ui/documents/message-archive';
import { EmailAddressLink } from '@/lib/ui/email-link';
import { HtmlBodyFrame } from './html-body-frame';
import { MarkReadWhileOpen, MessageActions, type MessageActionLinks } from './message-actions';
import type { MoveTarget } from './message-list';

type OpenMessage = NonNullable<Awaited<ReturnType<typeof getMessage>>>;

/** Types the attachment route serves inline; they open in a new tab, everything else downloads. */
const OPENS_IN_BROWSER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);

function People({ label, people }: { label: string; people: MailAddressEntry[] }) {
  if (people.length === 0) return null;
  return (
    <div className="flex min-w-0 flex-wrap gap-x-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="flex min-w-0 flex-wrap gap-x-3">
        {people.map((person) => (
          <span key={person.address} className="min-w-0 break-all">
            <EmailAddressLink address={person.address} name={person.name || undefined} />
            {person.name ? <span className="ml-1 text-slate-500">&lt;{person.address}&gt;</span> : null}
          </span>
        ))}
      </dd>
    </div>
  );
}

/** The reading pane: headers with names and addresses, actions, the body (sandboxed when HTML), attachments. */
export async function MessageView({
  message,
  folder,
  links,
  moveTargets,
  showRemoteImages,
  markReadImmediately,
  nonce,
  archive,
  senderBanner,
}: {
  message: OpenMessage;
  folder: Pick<MailFolder, 'specialUse'> | undefined;
  links: MessageActionLinks;
  moveTargets: MoveTarget[];
  showRemoteImages: boolean;
  markReadImmediately: boolean;
  nonce: string | null;
  archive: MessageArchiveState;
  /** "Unknown sender" with "Add contact", from the CRM (lib/ui/crm), under the headers. */
  senderBanner?: ReactNode;
}) {
  const t = await getTranslations('mailView');
  const tDocuments = await getTranslations('documents');
  const format = await getFormatter();
  const files = message.attachments.filter((attachment) => !attachment.isInline);
  const unread = !message.flags.includes('\\Seen');
  const sender = message.fromAddresses[0]?.address ?? null;

  return (
    <article className="flex min-w-0 flex-col gap-4" data-testid="message-view" aria-labelledby="message-subject">
      {unread ? <MarkReadWhileOpen messageId={message.id} immediately={markReadImmediately} /> : null}
      <Link href={links.list} className="inline-flex min-h-10 items-center text-sm text-indigo-700 hover:underline">
        ← {t('back')}
      </Link>
      <h1 id="message-subject" className="break-words text-xl font-semibold">
        {message.subject || t('noSubject')}
      </h1>
      <MessageActions
        messageId={message.id}
        flagged={message.flags.includes('\\Flagged')}
        inTrash={folder?.specialUse === 'trash'}
        links={links}
        moveTargets={moveTargets.filter((target) => target.id !== message.folderId)}
      />
      <MessageArchiveBar messageId={message.id} state={archive} />
      <dl className="flex min-w-0 flex-col gap-1">
        <People label={t('from')} people={message.fromAddresses} />
        <People label={t('to')} people={message.toAddresses} />
        <People label={t('cc')} people={message.ccAddresses} />
        <div className="text-sm text-slate-500">{format.dateTime(message.sentAt ?? message.receivedAt, { dateStyle: 'full', timeStyle: 'short' })}</div>
      </dl>
      {senderBanner}
      {message.parseError ? <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">{t('parseError')}</p> : null}
      {message.htmlBody ? (
        <HtmlBodyFrame
          html={message.htmlBody}
          blockedRemoteImages={message.blockedRemoteImages}
          showRemoteImages={showRemoteImages}
          senderAddress={sender}
          title={message.subject}
          nonce={nonce}
        />
      ) : (
        <pre className="whitespace-pre-wrap break-words rounded-lg border border-slate-200 bg-white p-4 font-sans text-sm">{message.textBody ?? ''}</pre>
      )}
      {files.length > 0 ? (
        <section aria-labelledby="attachments-heading">
          <h2 id="attachments-heading" className="mb-2 font-medium">
            {t('attachments')}
          </h2>
          <ul className="flex flex-col gap-1 text-sm">
            {files.map((file) => {
              const opensInBrowser = OPENS_IN_BROWSER.has(file.contentType.toLowerCase());
              return (
                <li key={file.id} className="min-w-0 break-all">
                  <a
                    href={`/api/mail/attachments/${file.id}`}
                    {...(opensInBrowser ? { target: '_blank', rel: 'noopener noreferrer' } : { download: file.filename ?? true })}
                    className="inline-flex min-h-10 items-center text-indigo-700 hover:underline"
                  >
                    {file.filename ?? t('unnamedAttachment')}
                  </a>{' '}
                  <span className="text-slate-500">({format.number(Math.max(1, Math.round(file.size / 1024)))} KB)</span>{' '}
                  {file.part && archive.attachmentMarkers.has(file.part) ? (
                    <Link href={documentHref(archive.attachmentMarkers.get(file.part)!.documentId)} className="ml-1 text-sm text-emerald-700 underline" data-testid="attachment-archived">
                      ✓ {tDocuments('attachmentArchived')}
                    </Link>
                  ) : file.part ? (
                    <ArchiveButton
                      target={{ attachmentId: file.id, messageId: message.id, filename: file.filename ?? t('unnamedAttachment') }}
                      label={tDocuments('archiveAttachment')}
                      testId="archive-attachment"
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
