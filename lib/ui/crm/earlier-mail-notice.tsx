import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { earlierMailHref } from '@/lib/crm/senders/client';

/** The offer after a contact got addresses: its earlier mail in the viewer's mailbox, to review and archive. */
export async function EarlierMailNotice({ contactId, count, addresses }: { contactId: string; count: number; addresses: string[] }) {
  if (count === 0 || addresses.length === 0) return null;
  const t = await getTranslations('senders');
  return (
    <p className="mb-4 flex flex-wrap items-center gap-x-2 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900" data-testid="earlier-mail-notice">
      <span className="min-w-0 break-words">{t('earlierMail', { count, address: addresses.join(', ') })}</span>
      <Link href={earlierMailHref(contactId)} className="font-medium underline">
        {t('reviewAndArchive')}
      </Link>
    </p>
  );
}
