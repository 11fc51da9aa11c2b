import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { MessageListEntry } from '@/lib/mail/mailbox';

function senderLabel(message: MessageListEntry, showRecipients: boolean): string {
  const people = showRecipients ? message.to : message.from;
  return people.map((person) => person.name || person.address).join(', ');
}

/** One line per message: who, subject, snippet, when; unread in bold. Works as a single column on phones. */
export async function MessageList({ messages, showRecipients }: { messages: MessageListEntry[]; showRecipients: boolean }) {
  const t = await getTranslations('mailView');
  const format = await getFormatter();
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="message-list">
      {messages.map((message) => {
        const unread = !message.flags.includes('\\Seen');
        return (
          <li key={message.id}>
            <Link href={`/inbox/messages/${message.id}`} className="flex flex-col gap-0.5 px-4 py-3 hover:bg-slate-50">
              <div className="flex items-baseline justify-between gap-3">
                <span className={`truncate ${unread ? 'font-semibold text-slate-900' : 'text-slate-700'}`}>
                  {senderLabel(message, showRecipients) || t('noSender')}
                </span>
                <time className="shrink-0 text-xs text-slate-500" dateTime={message.receivedAt.toISOString()}>
                  {format.dateTime(message.receivedAt, { dateStyle: 'short', timeStyle: 'short' })}
                </time>
              </div>
              <span className={`truncate ${unread ? 'font-semibold' : ''}`}>
                {message.subject || t('noSubject')}
                {message.hasAttachments ? (
                  <svg aria-label={t('hasAttachments')} role="img" viewBox="0 0 20 20" className="ml-1 inline h-4 w-4 text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.6">
                    <path d="M14.5 7.5 8.3 13.7a2 2 0 0 1-2.8-2.8l6.9-6.9a3.2 3.2 0 0 1 4.5 4.5l-7.4 7.4a4.4 4.4 0 0 1-6.2-6.2l6.2-6.2" strokeLinecap="round" />
                  </svg>
                ) : null}
              </span>
              <span className="truncate text-sm text-slate-500">{message.snippet}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
