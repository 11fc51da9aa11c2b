import { sql, type SQL } from 'drizzle-orm';
import { executeRows } from '@/db/execute';
import type { Queryable } from './access';
import { phoneSearchText, searchVector } from './text';

/**
 * The search documents of contacts and sales carry the names of the records they point at (a
 * contact is found by its company's name, a sale by its company's and contact's), so they are
 * built here, the one place that also rebuilds them when such a name changes.
 */
export function contactSearchVector(contact: { firstName: string; lastName: string; jobTitle: string; companyName: string | null; emails: string[]; phones: string[] }): SQL {
  return searchVector(
    contact.firstName,
    contact.lastName,
    contact.jobTitle,
    contact.companyName,
    contact.emails.join(' '),
    contact.phones.map((phone) => `${phone} ${phoneSearchText(phone)}`).join(' '),
  );
}

export function saleSearchVector(sale: { title: string; companyName: string | null; contactFirstName: string | null; contactLastName: string | null }): SQL {
  return searchVector(sale.title, sale.companyName, sale.contactFirstName, sale.contactLastName);
}

/** Rebuilds the search documents of a company's contacts and sales, or of a contact's sales, after a rename. */
export async function refreshLinkedSearch(tx: Queryable, target: { companyId: string } | { contactId: string }): Promise<void> {
  if ('companyId' in target) {
    const contacts = await executeRows<{ id: string; first_name: string; last_name: string; job_title: string; company_name: string | null; emails: string[] | null; phones: string[] | null }>(
      tx,
      sql`select p.id, p.first_name, p.last_name, p.job_title, co.name as company_name,
            (select array_agg(e.address order by e.position) from contact_emails e where e.contact_id = p.id) as emails,
            (select array_agg(ph.number order by ph.position) from contact_phones ph where ph.contact_id = p.id) as phones
          from contacts p join companies co on co.id = p.company_id where p.company_id = ${target.companyId}`,
    );
    for (const row of contacts) {
      const vector = contactSearchVector({ firstName: row.first_name, lastName: row.last_name, jobTitle: row.job_title, companyName: row.company_name, emails: row.emails ?? [], phones: row.phones ?? [] });
      await tx.execute(sql`update contacts set search = ${vector} where id = ${row.id}`);
    }
  }
  const condition = 'companyId' in target ? sql`s.company_id = ${target.companyId}` : sql`s.contact_id = ${target.contactId}`;
  const sales = await executeRows<{ id: string; title: string; company_name: string | null; first_name: string | null; last_name: string | null }>(
    tx,
    sql`select s.id, s.title, co.name as company_name, p.first_name, p.last_name from sales s
        left join companies co on co.id = s.company_id left join contacts p on p.id = s.contact_id where ${condition}`,
  );
  for (const row of sales) {
    const vector = saleSearchVector({ title: row.title, companyName: row.company_name, contactFirstName: row.first_name, contactLastName: row.last_name });
    await tx.execute(sql`update sales set search = ${vector} where id = ${row.id}`);
  }
}
