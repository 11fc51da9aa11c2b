import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { companies, contacts, saleStageChanges, sales, users, type Sale } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { ownerChange } from '@/lib/crm/companies';
import {
  assertActiveViewer,
  decodeCursor,
  pageFromRows,
  isRecordId,
  keysetAfter,
  listOrder,
  listSearchCondition,
  PAGE_SIZE,
  RecordNotFoundError,
  saleSearchVector,
  sortKeyOf,
  VersionConflictError,
  type ListPage,
  type ListSort,
  type Queryable,
  type Viewer,
} from '@/lib/crm/shared';
import { recordEvent } from '@/lib/crm/timeline';
import type { SaleFields } from './client';

type SaleStage = Sale['stage'];

export interface SaleListFilter {
  search?: string;
  ownerId?: string;
  stage?: SaleStage;
  companyId?: string;
  sort?: ListSort;
  cursor?: string | null;
  limit?: number;
}

export interface SaleListItem {
  id: string;
  title: string;
  stage: SaleStage;
  amount: string;
  currency: string;
  probability: number;
  expectedCloseDate: string | null;
  companyName: string | null;
  ownerName: string | null;
}

export async function listSales(db: Queryable, viewer: Viewer, filter: SaleListFilter = {}): Promise<ListPage<SaleListItem>> {
  await assertActiveViewer(db, viewer);
  const sort = filter.sort ?? 'name';
  const limit = filter.limit ?? PAGE_SIZE;
  const cursor = decodeCursor(filter.cursor);
  if (filter.companyId && !isRecordId(filter.companyId)) return { items: [], nextCursor: null };
  const rows = await db
    .select({
      id: sales.id,
      title: sales.title,
      stage: sales.stage,
      amount: sales.amount,
      currency: sales.currency,
      probability: sales.probability,
      expectedCloseDate: sales.expectedCloseDate,
      companyName: companies.name,
      ownerName: users.name,
      cursorKey: sort === 'name' ? sales.sortKey : sql<string>`${sales.updatedAt}::text`,
    })
    .from(sales)
    .leftJoin(companies, eq(companies.id, sales.companyId))
    .leftJoin(users, eq(users.id, sales.ownerId))
    .where(
      and(
        listSearchCondition(filter.search, sales.search),
        filter.ownerId && isRecordId(filter.ownerId) ? eq(sales.ownerId, filter.ownerId) : undefined,
        filter.stage ? eq(sales.stage, filter.stage) : undefined,
        filter.companyId ? eq(sales.companyId, filter.companyId) : undefined,
        keysetAfter(sort, cursor, sales),
      ),
    )
    .orderBy(...listOrder(sort, Boolean(filter.search?.trim()), sales))
    .limit(limit + 1);
  return pageFromRows(rows, limit);
}

export interface SaleDetail extends Sale {
  companyName: string | null;
  contactName: string | null;
  contactEmail: string | null;
  ownerName: string | null;
  stageHistory: { fromStage: SaleStage | null; toStage: SaleStage; changedByName: string | null; changedAt: Date }[];
}

export async function getSale(db: Queryable, viewer: Viewer, id: string): Promise<SaleDetail | null> {
  await assertActiveViewer(db, viewer);
  if (!isRecordId(id)) return null;
  const [row] = await db
    .select({
      sale: sales,
      companyName: companies.name,
      contactName: sql<string | null>`nullif(btrim(${contacts.firstName} || ' ' || ${contacts.lastName}), '')`,
      contactEmail: sql<string | null>`(select e.address from contact_emails e where e.contact_id = ${sales.contactId} order by e.is_primary desc, e.position limit 1)`,
      ownerName: users.name,
    })
    .from(sales)
    .leftJoin(companies, eq(companies.id, sales.companyId))
    .leftJoin(contacts, eq(contacts.id, sales.contactId))
    .leftJoin(users, eq(users.id, sales.ownerId))
    .where(eq(sales.id, id))
    .limit(1);
  if (!row) return null;
  const history = await db
    .select({ fromStage: saleStageChanges.fromStage, toStage: saleStageChanges.toStage, changedByName: users.name, changedAt: saleStageChanges.changedAt })
    .from(saleStageChanges)
    .leftJoin(users, eq(users.id, saleStageChanges.changedById))
    .where(eq(saleStageChanges.saleId, id))
    .orderBy(desc(saleStageChanges.changedAt));
  return { ...row.sale, companyName: row.companyName, contactName: row.contactName, contactEmail: row.contactEmail, ownerName: row.ownerName, stageHistory: history };
}

async function searchOf(tx: Queryable, fields: SaleFields) {
  let companyName: string | null = null;
  let contactFirstName: string | null = null;
  let contactLastName: string | null = null;
  if (fields.companyId) {
    const [company] = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, fields.companyId)).limit(1);
    if (!company) throw new UserFacingError('crm.companyGone', {}, 'companyId');
    companyName = company.name;
  }
  if (fields.contactId) {
    const [contact] = await tx.select({ firstName: contacts.firstName, lastName: contacts.lastName }).from(contacts).where(eq(contacts.id, fields.contactId)).limit(1);
    if (!contact) throw new UserFacingError('crm.contactGone', {}, 'contactId');
    contactFirstName = contact.firstName;
    contactLastName = contact.lastName;
  }
  return saleSearchVector({ title: fields.title, companyName, contactFirstName, contactLastName });
}

function columnsOf(fields: SaleFields) {
  return {
    title: fields.title,
    companyId: fields.companyId,
    contactId: fields.contactId,
    amount: fields.amount,
    currency: fields.currency,
    stage: fields.stage,
    probability: fields.probability,
    expectedCloseDate: fields.expectedCloseDate,
    ownerId: fields.ownerId,
    notes: fields.notes,
    sortKey: sortKeyOf(fields.title),
  };
}

export async function createSale(db: Database, viewer: Viewer, fields: SaleFields): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const search = await searchOf(tx, fields);
    const [sale] = await tx.insert(sales).values({ ...columnsOf(fields), search, createdById: viewer.id }).returning({ id: sales.id });
    await tx.insert(saleStageChanges).values({ saleId: sale!.id, fromStage: null, toStage: fields.stage, changedById: viewer.id });
    await recordEvent(tx, { kind: 'created', record: { kind: 'sale', id: sale!.id }, actorId: viewer.id, data: { name: fields.title, stage: fields.stage } });
    return { id: sale!.id };
  });
}

export async function updateSale(db: Database, viewer: Viewer, id: string, version: number, fields: SaleFields): Promise<{ version: number }> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [before] = await tx.select().from(sales).where(eq(sales.id, id)).for('update').limit(1);
    if (!before) throw new RecordNotFoundError();
    if (before.version !== version) throw new VersionConflictError();
    const search = await searchOf(tx, fields);
    await tx
      .update(sales)
      .set({ ...columnsOf(fields), search, version: version + 1, updatedAt: sql`now()` })
      .where(eq(sales.id, id));
    const record = { kind: 'sale' as const, id };
    if (before.stage !== fields.stage) {
      await tx.insert(saleStageChanges).values({ saleId: id, fromStage: before.stage, toStage: fields.stage, changedById: viewer.id });
      await recordEvent(tx, { kind: 'stage_changed', record, actorId: viewer.id, data: { from: before.stage, to: fields.stage } });
    }
    const changed: string[] = (['title', 'companyId', 'contactId', 'currency', 'probability', 'expectedCloseDate'] as const).filter((field) => before[field] !== fields[field]);
    // numeric(18,2) reads back with two places, as normaliseAmount() writes it: a string comparison is exact.
    if (before.amount !== fields.amount) changed.push('amount');
    if (changed.length) await recordEvent(tx, { kind: 'updated', record, actorId: viewer.id, data: { fields: changed } });
    if (before.ownerId !== fields.ownerId) await recordEvent(tx, { kind: 'owner_changed', record, actorId: viewer.id, data: await ownerChange(tx, before.ownerId, fields.ownerId) });
    return { version: version + 1 };
  });
}

export async function deleteSale(db: Database, viewer: Viewer, id: string): Promise<void> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  await db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const deleted = await tx.delete(sales).where(eq(sales.id, id)).returning({ id: sales.id });
    if (!deleted.length) throw new RecordNotFoundError();
  });
}

/** Open pipeline value per currency (lead … negotiation), for the list's summary line. */
export async function pipelineTotals(db: Queryable, viewer: Viewer): Promise<{ currency: string; total: string; count: number }[]> {
  await assertActiveViewer(db, viewer);
  return db
    .select({ currency: sales.currency, total: sql<string>`sum(${sales.amount})::text`, count: sql<number>`count(*)::int` })
    .from(sales)
    .where(sql`${sales.stage} not in ('won', 'lost')`)
    .groupBy(sales.currency)
    .orderBy(asc(sales.currency));
}
