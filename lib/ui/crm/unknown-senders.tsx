'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState, useSyncExternalStore } from 'react';
import { earlierMailHref, type SenderSaved } from '@/lib/crm/senders/client';
import type { UnknownSender } from '@/lib/crm/senders';
import { AddSenderDialog } from './add-sender-dialog';

/**
 * What was added from each message in this tab, outside React state: saving re-renders the message
 * page from the server, which can mount this component afresh, and the "added" notice must survive that.
 */
const savedByMessage = new Map<string, SenderSaved[]>();
const listeners = new Set<() => void>();
const NOTHING_SAVED: SenderSaved[] = [];

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function rememberSaved(messageId: string, item: SenderSaved): void {
  savedByMessage.set(messageId, [...(savedByMessage.get(messageId) ?? []).filter((other) => other.address !== item.address), item]);
  listeners.forEach((listener) => listener());
}

/**
 * The banners of a message's unknown people and, once one is added, what became of it. The list of
 * unknown addresses comes from the server and shrinks on refresh after a save; the "added" notices
 * are kept by message in this tab, so they stay while the banner they replace is gone.
 */
export function UnknownSenders({ messageId, senders }: { messageId: string; senders: UnknownSender[] }) {
  const t = useTranslations('senders');
  const saved = useSyncExternalStore(subscribe, () => savedByMessage.get(messageId) ?? NOTHING_SAVED, () => NOTHING_SAVED);
  const [open, setOpen] = useState<UnknownSender | null>(null);
  const savedAddresses = new Set(saved.map((item) => item.address));
  const pending = senders.filter((sender) => !savedAddresses.has(sender.address));
  if (pending.length === 0 && saved.length === 0) return null;

  return (
    <div className="flex flex-col gap-2">
      {pending.map((sender) => (
        <div
          key={sender.address}
          role="region"
          aria-label={t(sender.role === 'from' ? 'unknownSender' : 'unknownRecipient')}
          data-testid="unknown-sender"
          className="flex min-w-0 flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        >
          <p className="min-w-0 break-words">
            <span className="font-medium">{t(sender.role === 'from' ? 'unknownSender' : 'unknownRecipient')}</span>{' '}
            {sender.displayName ? <span>{sender.displayName} </span> : null}
            <span className="break-all text-amber-900">&lt;{sender.address}&gt;</span>
            {sender.domainCompanies.length > 0 ? (
              <span className="block text-amber-900">{t('mightWorkAt', { names: sender.domainCompanies.map((company) => company.name).join(', ') })}</span>
            ) : null}
          </p>
          <button
            type="button"
            onClick={() => setOpen(sender)}
            className="inline-flex min-h-10 shrink-0 items-center rounded-md border border-amber-400 bg-white px-3 font-medium text-amber-950 hover:bg-amber-100"
          >
            {t('addContact')}
          </button>
        </div>
      ))}
      {saved.map((item) => (
        <div key={item.address} role="status" data-testid="sender-added" className="flex min-w-0 flex-col gap-1 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">
          <p className="min-w-0 break-words">
            {t.rich('added', {
              address: item.address,
              contact: (chunks) => (
                <Link href={`/contacts/${item.contactId}`} className="font-medium underline">
                  {chunks}
                </Link>
              ),
              name: item.contactName,
            })}
          </p>
          {item.earlierMail > 0 ? (
            <p className="min-w-0 break-words">
              {t('earlierMail', { count: item.earlierMail, address: item.address })}{' '}
              <Link href={earlierMailHref(item.contactId)} className="font-medium underline">
                {t('reviewAndArchive')}
              </Link>
            </p>
          ) : null}
        </div>
      ))}
      {open ? (
        <AddSenderDialog
          messageId={messageId}
          sender={open}
          onClose={() => setOpen(null)}
          onSaved={(item) => {
            rememberSaved(messageId, item);
            setOpen(null);
          }}
        />
      ) : null}
    </div>
  );
}
