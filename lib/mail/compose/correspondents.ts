import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import type { MailAddressEntry } from '@/db/schema';
import { getMailAccount } from '@/lib/mail/account';

/**
 * Addresses for the To/Cc/Bcc suggestions: the CRM's contacts first (the team keeps them, so they are
 * the people one means), then everyone in the imported mail's From, To and Cc, most frequent first;
 * each when its name or address starts a word with what was typed.
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
  const contacts = await executeRows<{ address: string; name: string }>(
    db,
    sql`
      select ce.address, btrim(c.first_name || ' ' || c.last_name) as name
      from contact_emails ce
      join contacts c on c.id = ce.contact_id
      where ce.address <> ${account.emailAddress.toLowerCase()}
        and (ce.address like ${prefix} or lower(c.first_name) like ${prefix} or lower(c.last_name) like ${prefix}
             or lower(c.first_name || ' ' || c.last_name) like ${prefix} or split_part(ce.address, '@', 2) like ${prefix})
      order by ce.is_primary desc, c.sort_key, ce.position
      limit ${limit}`,
  );
  const suggestions = new Map<string, MailAddressEntry>();
  for (const row of [...contacts, ...rows]) {
    if (!suggestions.has(row.address)) suggestions.set(row.address, { name: row.name, address: row.address });
  }
  return [...suggestions.values()].slice(0, limit);
}
