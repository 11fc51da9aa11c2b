import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { companies, contactEmails, contactPhones, contacts, projectMembers, projects, sales, users, type Contact } from '@/db/schema';
import { companiesForEmailDomain, ownerChange } from '@/lib/crm/companies';
import {
  assertActiveViewer,
  decodeCursor,
  pageFromRows,
  isRecordId,
  keysetAfter,
  listOrder,
  listSearchCondition,
  PAGE_SIZE,
  contactSearchVector,
  refreshLinkedSearch,
  RecordNotFoundError,
  sortKeyOf,
  VersionConflictError,
  type ListPage,
  type ListSort,
  type Queryable,
  type Viewer,
} from '@/lib/crm/shared';
import { recordEvent } from '@/lib/crm/timeline';
import { UserFacingError } from '@/lib/actions/errors';
import { contactDisplayName, type ContactFields } from './client';

export interface ContactListFilter {
  search?: string;
  ownerId?: string;
  companyId?: string;
  sort?: ListSort;
  cursor?: string | null;
  limit?: number;
}

export interface ContactListItem {
  id: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
  companyId: string | null;
  companyName: string | null;
  primaryEmail: string | null;
  /** The primary address is also on another contact. */
  emailShared: boolean;
  phone: string | null;
  ownerName: string | null;
}

function contactSearch(fields: ContactFields, companyName: string | null) {
  return contactSearchVector({ ...fields, companyName, emails: fields.emails.map((email) => email.address), phones: fields.phones.map((phone) => phone.number) });
}

export async function listContacts(db: Queryable, viewer: Viewer, filter: ContactListFilter = {}): Promise<ListPage<ContactListItem>> {
  await assertActiveViewer(db, viewer);
  const sort = filter.sort ?? 'name';
  const limit = filter.limit ?? PAGE_SIZE;
  const cursor = decodeCursor(filter.cursor);
  if (filter.companyId && !isRecordId(filter.companyId)) return { items: [], nextCursor: null };
  const primaryEmail = sql<string | null>`(select e.address from contact_emails e where e.contact_id = ${contacts.id} order by e.is_primary desc, e.position limit 1)`;
  const rows = await db
    .select({
      id: contacts.id,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      jobTitle: contacts.jobTitle,
      companyId: contacts.companyId,
      companyName: companies.name,
      primaryEmail,
      emailShared: sql<boolean>`exists(select 1 from contact_emails e join contact_emails o on o.address = e.address and o.contact_id <> e.contact_id where e.contact_id = ${contacts.id})`,
      phone: sql<string | null>`(select p.number from contact_phones p where p.contact_id = ${contacts.id} order by p.position limit 1)`,
      ownerName: users.name,
      cursorKey: sort === 'name' ? contacts.sortKey : sql<string>`${contacts.updatedAt}::text`,
    })
    .from(contacts)
    .leftJoin(companies, eq(companies.id, contacts.companyId))
    .leftJoin(users, eq(users.id, contacts.ownerId))
    .where(
      and(
        listSearchCondition(filter.search, contacts.search),
        filter.ownerId && isRecordId(filter.ownerId) ? eq(contacts.ownerId, filter.ownerId) : undefined,
        filter.companyId ? eq(contacts.companyId, filter.companyId) : undefined,
        keysetAfter(sort, cursor, contacts),
      ),
    )
    .orderBy(...listOrder(sort, Boolean(filter.search?.trim()), contacts))
    .limit(limit + 1);
  return pageFromRows(rows, limit);
}

export interface ContactDetail extends Contact {
  companyName: string | null;
  ownerName: string | null;
  emails: { address: string; isPrimary: boolean; sharedWith: { id: string; name: string }[] }[];
  phones: { number: string; label: string }[];
  sales: { id: string; title: string; stage: string; amount: string; currency: string }[];
  projects: { id: string; name: string; status: string }[];
  /** Companies whose domain matches one of the addresses, when the contact has no company yet. */
  suggestedCompanies: { id: string; name: string }[];
}

export async function getContact(db: Queryable, viewer: Viewer, id: string): Promise<ContactDetail | null> {
  await assertActiveViewer(db, viewer);
  if (!isRecordId(id)) return null;
  const [row] = await db
    .select({ contact: contacts, companyName: companies.name, ownerName: users.name })
    .from(contacts)
    .leftJoin(companies, eq(companies.id, contacts.companyId))
    .leftJoin(users, eq(users.id, contacts.ownerId))
    .where(eq(contacts.id, id))
    .limit(1);
  if (!row) return null;
  const [emails, phones, saleRows, projectRows] = await Promise.all([
    db.select().from(contactEmails).where(eq(contactEmails.contactId, id)).orderBy(desc(contactEmails.isPrimary), contactEmails.position),
    db.select().from(contactPhones).where(eq(contactPhones.contactId, id)).orderBy(contactPhones.position),
    db
      .select({ id: sales.id, title: sales.title, stage: sales.stage, amount: sales.amount, currency: sales.currency })
      .from(sales)
      .where(eq(sales.contactId, id))
      .orderBy(desc(sales.updatedAt))
      .limit(500),
    db
      .select({ id: projects.id, name: projects.name, status: projects.status })
      .from(projects)
      .innerJoin(projectMembers, eq(projectMembers.projectId, projects.id))
      .where(eq(projectMembers.contactId, id))
      .orderBy(projects.sortKey)
      .limit(500),
  ]);
  const addresses = emails.map((email) => email.address);
  const others = addresses.length
    ? await db
        .select({ address: contactEmails.address, id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName })
        .from(contactEmails)
        .innerJoin(contacts, eq(contacts.id, contactEmails.contactId))
        .where(and(inArray(contactEmails.address, addresses), ne(contactEmails.contactId, id)))
        .limit(100)
    : [];
  const suggestedCompanies = row.contact.companyId === null && addresses.length ? await companiesForEmailDomain(db, viewer, addresses[0]!) : [];
  return {
    ...row.contact,
    companyName: row.companyName,
    ownerName: row.ownerName,
    emails: emails.map((email) => ({
      address: email.address,
      isPrimary: email.isPrimary,
      sharedWith: others.filter((other) => other.address === email.address).map((other) => ({ id: other.id, name: contactDisplayName(other) })),
    })),
    phones: phones.map((phone) => ({ number: phone.number, label: phone.label })),
    sales: saleRows,
    projects: projectRows,
    suggestedCompanies,
  };
}

async function companyNameFor(tx: Queryable, companyId: string | null): Promise<string | null> {
  if (!companyId) return null;
  const [company] = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, companyId)).limit(1);
  if (!company) throw new UserFacingError('crm.companyGone', {}, 'companyId');
  return company.name;
}

async function writeAddresses(tx: Queryable, contactId: string, fields: ContactFields): Promise<void> {
  await tx.delete(contactEmails).where(eq(contactEmails.contactId, contactId));
  await tx.delete(contactPhones).where(eq(contactPhones.contactId, contactId));
  if (fields.emails.length) await tx.insert(contactEmails).values(fields.emails.map((email, position) => ({ contactId, ...email, position })));
  if (fields.phones.length) await tx.insert(contactPhones).values(fields.phones.map((phone, position) => ({ contactId, ...phone, position })));
}

function columnsOf(fields: ContactFields, companyName: string | null) {
  return {
    firstName: fields.firstName,
    lastName: fields.lastName,
    companyId: fields.companyId,
    jobTitle: fields.jobTitle,
    ownerId: fields.ownerId,
    notes: fields.notes,
    sortKey: sortKeyOf(fields.lastName, fields.firstName),
    search: contactSearch(fields, companyName),
  };
}

export async function createContact(db: Database, viewer: Viewer, fields: ContactFields): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const companyName = await companyNameFor(tx, fields.companyId);
    const [contact] = await tx.insert(contacts).values({ ...columnsOf(fields, companyName), createdById: viewer.id }).returning({ id: contacts.id });
    await writeAddresses(tx, contact!.id, fields);
    await recordEvent(tx, { kind: 'created', record: { kind: 'contact', id: contact!.id }, actorId: viewer.id, data: { name: contactDisplayName(fields) } });
    return { id: contact!.id };
  });
}

const trackedFields = ['firstName', 'lastName', 'companyId', 'jobTitle'] as const;

/** Saves an edit made from `version`; `addedEmails` are the addresses the contact did not have before (for the offer of their earlier mail). */
export async function updateContact(db: Database, viewer: Viewer, id: string, version: number, fields: ContactFields): Promise<{ version: number; addedEmails: string[] }> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [before] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update').limit(1);
    if (!before) throw new RecordNotFoundError();
    if (before.version !== version) throw new VersionConflictError();
    const companyName = await companyNameFor(tx, fields.companyId);
    const oldEmails = (await tx.select({ address: contactEmails.address }).from(contactEmails).where(eq(contactEmails.contactId, id))).map((e) => e.address).sort();
    await tx
      .update(contacts)
      .set({ ...columnsOf(fields, companyName), version: version + 1, updatedAt: sql`now()` })
      .where(eq(contacts.id, id));
    await writeAddresses(tx, id, fields);
    const record = { kind: 'contact' as const, id };
    const changed: string[] = trackedFields.filter((field) => before[field] !== fields[field]);
    if (oldEmails.join(',') !== fields.emails.map((e) => e.address).sort().join(',')) changed.push('emails');
    if (changed.length) await recordEvent(tx, { kind: 'updated', record, actorId: viewer.id, data: { fields: changed } });
    if (before.ownerId !== fields.ownerId) await recordEvent(tx, { kind: 'owner_changed', record, actorId: viewer.id, data: await ownerChange(tx, before.ownerId, fields.ownerId) });
    if (before.firstName !== fields.firstName || before.lastName !== fields.lastName) await refreshLinkedSearch(tx, { contactId: id });
    const addedEmails = fields.emails.map((email) => email.address).filter((address) => !oldEmails.includes(address));
    return { version: version + 1, addedEmails };
  });
}

/** Deletes a contact; its sales stay, without a contact; its project memberships go. */
export async function deleteContact(db: Database, viewer: Viewer, id: string): Promise<void> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  await db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const deleted = await tx.delete(contacts).where(eq(contacts.id, id)).returning({ id: contacts.id });
    if (!deleted.length) throw new RecordNotFoundError();
  });
}

/** Contacts having this address (normalised), for the duplicate flag and for matching mail to people. */
export async function contactsWithEmail(db: Queryable, viewer: Viewer, address: string): Promise<{ id: string; name: string }[]> {
  await assertActiveViewer(db, viewer);
  const rows = await db
    .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName })
    .from(contactEmails)
    .innerJoin(contacts, eq(contacts.id, contactEmails.contactId))
    .where(eq(contactEmails.address, address.trim().toLowerCase()))
    .limit(50);
  return rows.map((row) => ({ id: row.id, name: contactDisplayName(row) }));
}
