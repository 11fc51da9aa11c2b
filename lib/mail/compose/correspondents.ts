import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import type { MailAddressEntry } from '@/db/schema';
import { getMailAccount } from '@/lib/mail/account';

/**
 * Addresses for the To/Cc/Bcc suggestions: everyone in the imported mail's From, To and Cc whose
 * name or address starts a word with what was typed, most frequent first. (CRM contacts join later.)
 */
export async function suggestCorrespondents(db: Database, userId: string, typed: string, limit = 8): Promise<MailAddressEntry[]> {
  const query = typed.trim().toLowerCase();
  if (query.length < 1) return [];
  const account = await getMailAccount(db, userId);
  if (!account) return [];
  const prefix = `${query.replace(/[\\%_]/g, '\\$&')}%`;
  const wordPrefix = `% ${prefix}`;
  const rows = await executeRows<{ address: string; name: string; uses: number }>(
    db,
    sql`
      with people as (
        select lower(entry->>'address') as address, coalesce(entry->>'name', '') as name, m.received_at
        from mail_messages m,
          lateral jsonb_array_elements(m.from_addresses || m.to_addresses || m.cc_addresses) as entry
        where m.account_id = ${account.id}
      )
      select address, max(name) as name, count(*)::int as uses
      from people
      where address <> ${account.emailAddress.toLowerCase()}
        and (address like ${prefix} or lower(name) like ${prefix} or lower(name) like ${wordPrefix} or split_part(address, '@', 2) like ${prefix})
      group by address
      order by count(*) desc, max(received_at) desc
      limit ${limit}`,
  );
  return rows.map((row) => ({ name: row.name, address: row.address }));
}
