import { asc, eq, inArray } from 'drizzle-orm';
import { companies, contactEmails, contacts } from '@/db/schema';
import { assertActiveViewer, normaliseEmailAddress, type Queryable, type Viewer } from '@/lib/crm/shared';
import { contactDisplayName } from './client';

export interface ContactByAddress {
  /** The address as stored (lower-case), which is how callers match it back to their input. */
  address: string;
  contactId: string;
  name: string;
  companyId: string | null;
  companyName: string | null;
}

/** More than any message's header lists: a bound on what one call asks of the index. */
const MAX_ADDRESSES = 500;

/**
 * The contacts having any of these addresses, matched without regard to case, one row per
 * (address, contact): an address on several contacts (a shared info@) gives several rows, an
 * unknown address none. Contacts are shared by the whole team, so any active user sees all of them.
 */
export async function findContactsByAddresses(db: Queryable, viewer: Viewer, addresses: readonly string[]): Promise<ContactByAddress[]> {
  await assertActiveViewer(db, viewer);
  const wanted = [...new Set(addresses.map(normaliseEmailAddress).filter((address) => address.includes('@')))].slice(0, MAX_ADDRESSES);
  if (wanted.length === 0) return [];
  const rows = await db
    .select({
      address: contactEmails.address,
      contactId: contacts.id,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      companyId: contacts.companyId,
      companyName: companies.name,
    })
    .from(contactEmails)
    .innerJoin(contacts, eq(contacts.id, contactEmails.contactId))
    .leftJoin(companies, eq(companies.id, contacts.companyId))
    .where(inArray(contactEmails.address, wanted))
    .orderBy(asc(contactEmails.address), asc(contacts.sortKey), asc(contacts.id));
  return rows.map(({ firstName, lastName, ...row }) => ({ ...row, name: contactDisplayName({ firstName, lastName }) }));
}
