import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getContact } from '@/lib/crm/contacts';
import { listNotArchived, NOT_ARCHIVED_DAYS } from '@/lib/crm/documents';
import { parseOptionalUuid } from '@/lib/http/params';
import { PageHeader } from '@/lib/ui/empty-state';
import { NotArchivedList } from './not-archived-list';

/**
 * "Forgot to archive": recent mail to and from known contacts (or one contact, when a contact was
 * just created or got an address) that is in no document yet, to archive in bulk with one dialog.
 */
export async function NotArchivedPage({ searchParams }: { searchParams: Record<string, string | string[] | undefined> }) {
  const user = await requireUser();
  const db = await getDb();
  const contactParam = parseOptionalUuid(searchParams.contact);
  if (contactParam === null) notFound();
  const contact = contactParam ? await getContact(db, user, contactParam) : null;
  if (contactParam && !contact) notFound();
  const t = await getTranslations('documents');
  const messages = await listNotArchived(db, user, { contactId: contactParam ?? null });
  const contactName = contact ? [contact.firstName, contact.lastName].filter(Boolean).join(' ') : null;
  return (
    <>
      <PageHeader title={contactName ? t('notArchivedWith', { name: contactName }) : t('notArchivedTitle')}>
        <Link href="/inbox" className="inline-flex min-h-10 items-center text-sm font-medium text-indigo-700 hover:underline">
          ← {t('backToInbox')}
        </Link>
      </PageHeader>
      <p className="mb-4 text-sm text-slate-600">{t('notArchivedIntro', { days: NOT_ARCHIVED_DAYS })}</p>
      <NotArchivedList
        rows={messages.map((message) => ({
          id: message.id,
          subject: message.subject,
          correspondent: (message.folderSpecialUse === 'sent' ? message.to[0] : message.from[0])?.address ?? '',
          outgoing: message.folderSpecialUse === 'sent',
          contactNames: message.contactNames,
          receivedAt: message.receivedAt.toISOString(),
        }))}
      />
    </>
  );
}
