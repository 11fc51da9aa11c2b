import { sql } from 'drizzle-orm';
import type { Database } from '@/db';
import type { MailAddressEntry } from '@/db/schema';
import { executeRows } from '@/db/execute';
import { assertActiveViewer, isRecordId, type Viewer } from '@/lib/crm/shared';
import { visibleDocumentAlias } from './visibility';

export interface NotArchivedMessage {
  id: string;
  subject: string;
  from: MailAddressEntry[];
  to: MailAddressEntry[];
  receivedAt: Date;
  folderSpecialUse: string | null;
  /** The known contacts the message is to or from. */
  contactNames: string[];
}

export const NOT_ARCHIVED_DAYS = 30;
const MAX_LISTED = 200;

/**
 * "Forgot to archive": the viewer's recent mail (for one contact: all of the imported mailbox, as
 * offered when the contact was created or got an address) (Inbox, Sent, Archive and own folders; not Junk,
 * Trash or Drafts) to or from known contacts — or one contact — that no document the viewer can see
 * holds yet. One row per Message-ID, so a message in two folders is listed once.
 */
export async function listNotArchived(
  db: Database,
  viewer: Viewer,
  options: { contactId?: string | null; days?: number } = {},
): Promise<NotArchivedMessage[]> {
  await assertActiveViewer(db, viewer);
  const contactId = options.contactId && isRecordId(options.contactId) ? options.contactId : null;
  const days = options.days ?? NOT_ARCHIVED_DAYS;
  const rows = await executeRows<{
    id: string;
    subject: string;
    from_addresses: MailAddressEntry[];
    to_addresses: MailAddressEntry[];
    received_at: Date | string;
    special_use: string | null;
    contact_names: string[];
  }>(
    db,
    sql`
      select * from (
        select distinct on (coalesce(m.message_id, m.id::text))
          m.id, m.subject, m.from_addresses, m.to_addresses, m.received_at, f.special_use, matched.contact_names
        from mail_messages m
        join mail_folders f on f.id = m.folder_id
        join mail_accounts a on a.id = m.account_id and a.user_id = ${viewer.id}
        cross join lateral (
          select array_agg(distinct btrim(c.first_name || ' ' || c.last_name)) as contact_names
          from jsonb_array_elements(m.from_addresses || m.to_addresses || m.cc_addresses) as entry
          join contact_emails ce on ce.address = lower(btrim(entry->>'address'))
          join contacts c on c.id = ce.contact_id
          where lower(btrim(entry->>'address')) <> lower(a.email_address)
            ${contactId ? sql`and c.id = ${contactId}` : sql``}
        ) matched
        where ${contactId ? sql`true` : sql`m.received_at >= now() - make_interval(days => ${days})`}
          and (f.special_use is null or f.special_use in ('inbox', 'sent', 'archive'))
          and matched.contact_names is not null
          and not exists (
            select 1 from documents d
            where d.origin_part is null and ${visibleDocumentAlias('d', viewer.id)}
              and (d.message_id_header = m.message_id or (m.message_id is null and d.origin_mail_message_id = m.id))
          )
        order by coalesce(m.message_id, m.id::text), m.received_at desc
      ) listed
      order by received_at desc
      limit ${MAX_LISTED}
    `,
  );
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject,
    from: row.from_addresses,
    to: row.to_addresses,
    receivedAt: new Date(row.received_at),
    folderSpecialUse: row.special_use,
    contactNames: row.contact_names,
  }));
}
