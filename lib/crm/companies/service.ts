import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import { companies, companyDomains, contacts, projectMembers, projects, sales, users, type Company } from '@/db/schema';
import {
  assertActiveViewer,
  decodeCursor,
  pageFromRows,
  isRecordId,
  keysetAfter,
  listOrder,
  listSearchCondition,
  PAGE_SIZE,
  phoneSearchText,
  RecordNotFoundError,
  refreshLinkedSearch,
  searchVector,
  sortKeyOf,
  VersionConflictError,
  type ListPage,
  type ListSort,
  type Queryable,
  type Viewer,
} from '@/lib/crm/shared';
import { recordEvent } from '@/lib/crm/timeline';
import type { CompanyFields } from './client';

export interface CompanyListFilter {
  search?: string;
  ownerId?: string;
  category?: string;
  sort?: ListSort;
  cursor?: string | null;
  limit?: number;
}

export interface CompanyListItem {
  id: string;
  name: string;
  city: string;
  country: string;
  phone: string;
  category: string;
  domains: string[];
  ownerName: string | null;
}

function companySearch(fields: CompanyFields) {
  return searchVector(fields.name, fields.domains.join(' '), fields.phone, phoneSearchText(fields.phone), fields.city, fields.category, fields.website);
}

export async function listCompanies(db: Queryable, viewer: Viewer, filter: CompanyListFilter = {}): Promise<ListPage<CompanyListItem>> {
  await assertActiveViewer(db, viewer);
  const sort = filter.sort ?? 'name';
  const limit = filter.limit ?? PAGE_SIZE;
  const cursor = decodeCursor(filter.cursor);
  const rows = await db
    .select({
      id: companies.id,
      name: companies.name,
      city: companies.city,
      country: companies.country,
      phone: companies.phone,
      category: companies.category,
      ownerName: users.name,
      domains: sql<string[]>`coalesce((select array_agg(d.domain order by d.domain) from ${companyDomains} d where d.company_id = ${companies.id}), '{}')`,
      cursorKey: sort === 'name' ? companies.sortKey : sql<string>`${companies.updatedAt}::text`,
    })
    .from(companies)
    .leftJoin(users, eq(users.id, companies.ownerId))
    .where(
      and(
        listSearchCondition(filter.search, companies.search),
        filter.ownerId && isRecordId(filter.ownerId) ? eq(companies.ownerId, filter.ownerId) : undefined,
        filter.category ? eq(companies.category, filter.category) : undefined,
        keysetAfter(sort, cursor, companies),
      ),
    )
    .orderBy(...listOrder(sort, Boolean(filter.search?.trim()), companies))
    .limit(limit + 1);
  return pageFromRows(rows, limit);
}

/** The categories in use, for the list filter and the form's suggestions. */
export async function listCompanyCategories(db: Queryable, viewer: Viewer): Promise<string[]> {
  await assertActiveViewer(db, viewer);
  const rows = await db.selectDistinct({ category: companies.category }).from(companies).where(sql`${companies.category} <> ''`).orderBy(companies.category).limit(200);
  return rows.map((row) => row.category);
}

export interface CompanyDetail extends Company {
  domains: string[];
  ownerName: string | null;
  contacts: { id: string; firstName: string; lastName: string; jobTitle: string; primaryEmail: string | null }[];
  projects: { id: string; name: string; status: string }[];
  sales: { id: string; title: string; stage: string; amount: string; currency: string }[];
}

export async function getCompany(db: Queryable, viewer: Viewer, id: string): Promise<CompanyDetail | null> {
  await assertActiveViewer(db, viewer);
  if (!isRecordId(id)) return null;
  const [row] = await db
    .select({ company: companies, ownerName: users.name })
    .from(companies)
    .leftJoin(users, eq(users.id, companies.ownerId))
    .where(eq(companies.id, id))
    .limit(1);
  if (!row) return null;
  const [domains, contactRows, projectRows, saleRows] = await Promise.all([
    db.select({ domain: companyDomains.domain }).from(companyDomains).where(eq(companyDomains.companyId, id)).orderBy(companyDomains.domain),
    db
      .select({
        id: contacts.id,
        firstName: contacts.firstName,
        lastName: contacts.lastName,
        jobTitle: contacts.jobTitle,
        // Spelled out: in a select from one table drizzle leaves column names unqualified, and a bare
        // "id" inside the subquery would be the address's own id.
        primaryEmail: sql<string | null>`(select e.address from contact_emails e where e.contact_id = "contacts"."id" order by e.is_primary desc, e.position limit 1)`,
      })
      .from(contacts)
      .where(eq(contacts.companyId, id))
      .orderBy(contacts.sortKey)
      .limit(500),
    db
      .select({ id: projects.id, name: projects.name, status: projects.status })
      .from(projects)
      .innerJoin(projectMembers, eq(projectMembers.projectId, projects.id))
      .where(eq(projectMembers.companyId, id))
      .orderBy(projects.sortKey)
      .limit(500),
    db
      .select({ id: sales.id, title: sales.title, stage: sales.stage, amount: sales.amount, currency: sales.currency })
      .from(sales)
      .where(eq(sales.companyId, id))
      .orderBy(desc(sales.updatedAt))
      .limit(500),
  ]);
  return { ...row.company, ownerName: row.ownerName, domains: domains.map((d) => d.domain), contacts: contactRows, projects: projectRows, sales: saleRows };
}

function columnsOf(fields: CompanyFields) {
  const { domains: _domains, ...columns } = fields;
  return { ...columns, sortKey: sortKeyOf(fields.name), search: companySearch(fields) };
}

async function writeDomains(tx: Queryable, companyId: string, domains: string[]): Promise<void> {
  await tx.delete(companyDomains).where(eq(companyDomains.companyId, companyId));
  if (domains.length) await tx.insert(companyDomains).values(domains.map((domain) => ({ companyId, domain })));
}

export async function createCompany(db: Database, viewer: Viewer, fields: CompanyFields): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [company] = await tx
      .insert(companies)
      .values({ ...columnsOf(fields), createdById: viewer.id })
      .returning({ id: companies.id });
    await writeDomains(tx, company!.id, fields.domains);
    await recordEvent(tx, { kind: 'created', record: { kind: 'company', id: company!.id }, actorId: viewer.id, data: { name: fields.name } });
    return { id: company!.id };
  });
}

/** Field names whose change is worth a line on the timeline (owner changes get their own kind). */
const trackedFields = ['name', 'phone', 'street', 'postalCode', 'city', 'country', 'website', 'category'] as const;

/**
 * Saves an edit made from `version`. Refused with a clear message when someone else saved the
 * company in between, so the later save never silently overwrites the earlier one.
 */
export async function updateCompany(db: Database, viewer: Viewer, id: string, version: number, fields: CompanyFields): Promise<{ version: number }> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [before] = await tx.select().from(companies).where(eq(companies.id, id)).for('update').limit(1);
    if (!before) throw new RecordNotFoundError();
    if (before.version !== version) throw new VersionConflictError();
    const oldDomains = (await tx.select({ domain: companyDomains.domain }).from(companyDomains).where(eq(companyDomains.companyId, id))).map((d) => d.domain).sort();
    await tx
      .update(companies)
      .set({ ...columnsOf(fields), version: version + 1, updatedAt: sql`now()` })
      .where(eq(companies.id, id));
    await writeDomains(tx, id, fields.domains);
    const record = { kind: 'company' as const, id };
    const changed: string[] = trackedFields.filter((field) => before[field] !== fields[field]);
    if (oldDomains.join(',') !== [...fields.domains].sort().join(',')) changed.push('domains');
    if (changed.length) await recordEvent(tx, { kind: 'updated', record, actorId: viewer.id, data: { fields: changed } });
    if (before.ownerId !== fields.ownerId) await recordEvent(tx, { kind: 'owner_changed', record, actorId: viewer.id, data: await ownerChange(tx, before.ownerId, fields.ownerId) });
    // Contacts and sales are found by their company's name: theirs follow a rename.
    if (before.name !== fields.name) await refreshLinkedSearch(tx, { companyId: id });
    return { version: version + 1 };
  });
}

/** `{ from, to }` owner names for the timeline, kept as text so the entry survives the user's removal. */
export async function ownerChange(tx: Queryable, fromId: string | null, toId: string | null): Promise<{ from: string | null; to: string | null }> {
  const ids = [fromId, toId].filter((value): value is string => value !== null);
  const rows = ids.length ? await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)) : [];
  const nameOf = (userId: string | null) => rows.find((row) => row.id === userId)?.name ?? null;
  return { from: nameOf(fromId), to: nameOf(toId) };
}

export interface CompanyDeletion {
  /** What becomes of the company's contacts, projects and sales: kept without the company, or deleted with it. */
  related: 'unlink' | 'delete';
}

/**
 * Deletes a company. Its contacts and sales are unlinked (kept, without a company) or deleted;
 * projects it takes part in lose it as a member, and with `delete` a project is deleted only when
 * no other company or contact takes part in it. Archived documents are linked through timeline
 * entries (archive issue): a record's entries go with it, the documents they point at do not.
 */
export async function deleteCompany(db: Database, viewer: Viewer, id: string, deletion: CompanyDeletion): Promise<void> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  await db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [company] = await tx.select({ id: companies.id }).from(companies).where(eq(companies.id, id)).for('update').limit(1);
    if (!company) throw new RecordNotFoundError();
    if (deletion.related === 'delete') {
      const contactIds = (await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.companyId, id))).map((row) => row.id);
      await tx.delete(sales).where(contactIds.length ? sql`${sales.companyId} = ${id} or ${inArray(sales.contactId, contactIds)}` : eq(sales.companyId, id));
      const projectIds = (await tx.select({ id: projectMembers.projectId }).from(projectMembers).where(eq(projectMembers.companyId, id))).map((row) => row.id);
      if (projectIds.length) {
        // Only projects that nobody else (another company, or a contact not being deleted) takes part in.
        const shared = await tx
          .selectDistinct({ id: projectMembers.projectId })
          .from(projectMembers)
          .where(
            and(
              inArray(projectMembers.projectId, projectIds),
              sql`(${projectMembers.companyId} is not null and ${projectMembers.companyId} <> ${id})
                  or (${projectMembers.contactId} is not null and ${contactIds.length ? sql`${projectMembers.contactId} not in ${contactIds}` : sql`true`})`,
            ),
          );
        const sharedIds = new Set(shared.map((row) => row.id));
        const onlyOurs = projectIds.filter((projectId) => !sharedIds.has(projectId));
        if (onlyOurs.length) await tx.delete(projects).where(inArray(projects.id, onlyOurs));
      }
      if (contactIds.length) await tx.delete(contacts).where(inArray(contacts.id, contactIds));
    }
    // With `unlink`, the foreign keys do it: contacts and sales keep going without a company
    // (on delete set null), project memberships of the company go (on delete cascade).
    await tx.delete(companies).where(eq(companies.id, id));
  });
}

/** How many records hang on a company: what the delete dialog asks about. */
export async function companyDependents(db: Queryable, viewer: Viewer, id: string): Promise<{ contacts: number; projects: number; sales: number } | null> {
  await assertActiveViewer(db, viewer);
  if (!isRecordId(id)) return null;
  const [row] = await executeRows<{ contacts: number; projects: number; sales: number; found: boolean }>(db, sql`
    select exists(select 1 from companies where id = ${id}) as found,
      (select count(*)::int from contacts where company_id = ${id}) as contacts,
      (select count(*)::int from project_members where company_id = ${id}) as projects,
      (select count(*)::int from sales where company_id = ${id}) as sales`);
  return row?.found ? { contacts: row.contacts, projects: row.projects, sales: row.sales } : null;
}

/** Companies whose e-mail domain matches the address: who someone writing from it probably works for. */
export async function companiesForEmailDomain(db: Queryable, viewer: Viewer, address: string): Promise<{ id: string; name: string }[]> {
  await assertActiveViewer(db, viewer);
  const domain = address.trim().toLowerCase().split('@').at(-1) ?? '';
  if (!domain.includes('.')) return [];
  return db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .innerJoin(companyDomains, eq(companyDomains.companyId, companies.id))
    .where(eq(companyDomains.domain, domain))
    .orderBy(companies.sortKey)
    .limit(5);
}
