import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { companies, contacts, projectMembers, projects, users, type Project } from '@/db/schema';
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
  searchVector,
  sortKeyOf,
  VersionConflictError,
  type ListPage,
  type ListSort,
  type Queryable,
  type Viewer,
} from '@/lib/crm/shared';
import { recordEvent } from '@/lib/crm/timeline';
import type { ProjectFields } from './client';

type ProjectStatus = Project['status'];

export interface ProjectListFilter {
  search?: string;
  ownerId?: string;
  status?: ProjectStatus;
  companyId?: string;
  sort?: ListSort;
  cursor?: string | null;
  limit?: number;
}

export interface ProjectListItem {
  id: string;
  name: string;
  status: ProjectStatus;
  startDate: string | null;
  endDate: string | null;
  ownerName: string | null;
  companyNames: string[];
}

export async function listProjects(db: Queryable, viewer: Viewer, filter: ProjectListFilter = {}): Promise<ListPage<ProjectListItem>> {
  await assertActiveViewer(db, viewer);
  const sort = filter.sort ?? 'name';
  const limit = filter.limit ?? PAGE_SIZE;
  const cursor = decodeCursor(filter.cursor);
  if (filter.companyId && !isRecordId(filter.companyId)) return { items: [], nextCursor: null };
  const rows = await db
    .select({
      id: projects.id,
      name: projects.name,
      status: projects.status,
      startDate: projects.startDate,
      endDate: projects.endDate,
      ownerName: users.name,
      companyNames: sql<string[]>`coalesce((select array_agg(c.name order by c.sort_key) from project_members m join companies c on c.id = m.company_id where m.project_id = ${projects.id}), '{}')`,
      cursorKey: sort === 'name' ? projects.sortKey : sql<string>`${projects.updatedAt}::text`,
    })
    .from(projects)
    .leftJoin(users, eq(users.id, projects.ownerId))
    .where(
      and(
        listSearchCondition(filter.search, projects.search),
        filter.ownerId && isRecordId(filter.ownerId) ? eq(projects.ownerId, filter.ownerId) : undefined,
        filter.status ? eq(projects.status, filter.status) : undefined,
        filter.companyId ? sql`exists(select 1 from project_members m where m.project_id = ${projects.id} and m.company_id = ${filter.companyId})` : undefined,
        keysetAfter(sort, cursor, projects),
      ),
    )
    .orderBy(...listOrder(sort, Boolean(filter.search?.trim()), projects))
    .limit(limit + 1);
  return pageFromRows(rows, limit);
}

export interface ProjectDetail extends Project {
  ownerName: string | null;
  companies: { id: string; name: string }[];
  contacts: { id: string; firstName: string; lastName: string; companyName: string | null }[];
}

export async function getProject(db: Queryable, viewer: Viewer, id: string): Promise<ProjectDetail | null> {
  await assertActiveViewer(db, viewer);
  if (!isRecordId(id)) return null;
  const [row] = await db.select({ project: projects, ownerName: users.name }).from(projects).leftJoin(users, eq(users.id, projects.ownerId)).where(eq(projects.id, id)).limit(1);
  if (!row) return null;
  const [companyRows, contactRows] = await Promise.all([
    db
      .select({ id: companies.id, name: companies.name })
      .from(projectMembers)
      .innerJoin(companies, eq(companies.id, projectMembers.companyId))
      .where(eq(projectMembers.projectId, id))
      .orderBy(companies.sortKey),
    db
      .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, companyName: companies.name })
      .from(projectMembers)
      .innerJoin(contacts, eq(contacts.id, projectMembers.contactId))
      .leftJoin(companies, eq(companies.id, contacts.companyId))
      .where(eq(projectMembers.projectId, id))
      .orderBy(contacts.sortKey),
  ]);
  return { ...row.project, ownerName: row.ownerName, companies: companyRows, contacts: contactRows };
}

async function writeMembers(tx: Queryable, projectId: string, fields: ProjectFields): Promise<string[]> {
  const companyRows = fields.companyIds.length ? await tx.select({ id: companies.id, name: companies.name }).from(companies).where(inArray(companies.id, fields.companyIds)) : [];
  const contactRows = fields.contactIds.length ? await tx.select({ id: contacts.id }).from(contacts).where(inArray(contacts.id, fields.contactIds)) : [];
  if (companyRows.length !== fields.companyIds.length) throw new UserFacingError('crm.companyGone', {}, 'companyIds');
  if (contactRows.length !== fields.contactIds.length) throw new UserFacingError('crm.contactGone', {}, 'contactIds');
  await tx.delete(projectMembers).where(eq(projectMembers.projectId, projectId));
  const members = [...fields.companyIds.map((companyId) => ({ projectId, companyId })), ...fields.contactIds.map((contactId) => ({ projectId, contactId }))];
  if (members.length) await tx.insert(projectMembers).values(members);
  return companyRows.map((row) => row.name);
}

function columnsOf(fields: ProjectFields) {
  return {
    name: fields.name,
    status: fields.status,
    ownerId: fields.ownerId,
    startDate: fields.startDate,
    endDate: fields.endDate,
    notes: fields.notes,
    sortKey: sortKeyOf(fields.name),
  };
}

export async function createProject(db: Database, viewer: Viewer, fields: ProjectFields): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [project] = await tx.insert(projects).values({ ...columnsOf(fields), search: searchVector(fields.name), createdById: viewer.id }).returning({ id: projects.id });
    const companyNames = await writeMembers(tx, project!.id, fields);
    await tx.update(projects).set({ search: searchVector(fields.name, ...companyNames) }).where(eq(projects.id, project!.id));
    await recordEvent(tx, { kind: 'created', record: { kind: 'project', id: project!.id }, actorId: viewer.id, data: { name: fields.name } });
    return { id: project!.id };
  });
}

export async function updateProject(db: Database, viewer: Viewer, id: string, version: number, fields: ProjectFields): Promise<{ version: number }> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const [before] = await tx.select().from(projects).where(eq(projects.id, id)).for('update').limit(1);
    if (!before) throw new RecordNotFoundError();
    if (before.version !== version) throw new VersionConflictError();
    const companyNames = await writeMembers(tx, id, fields);
    await tx
      .update(projects)
      .set({ ...columnsOf(fields), search: searchVector(fields.name, ...companyNames), version: version + 1, updatedAt: sql`now()` })
      .where(eq(projects.id, id));
    const record = { kind: 'project' as const, id };
    const changed = (['name', 'startDate', 'endDate'] as const).filter((field) => before[field] !== fields[field]);
    if (changed.length) await recordEvent(tx, { kind: 'updated', record, actorId: viewer.id, data: { fields: changed } });
    if (before.status !== fields.status) await recordEvent(tx, { kind: 'stage_changed', record, actorId: viewer.id, data: { from: before.status, to: fields.status } });
    if (before.ownerId !== fields.ownerId) await recordEvent(tx, { kind: 'owner_changed', record, actorId: viewer.id, data: await ownerChange(tx, before.ownerId, fields.ownerId) });
    return { version: version + 1 };
  });
}

export async function deleteProject(db: Database, viewer: Viewer, id: string): Promise<void> {
  if (!isRecordId(id)) throw new RecordNotFoundError();
  await db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const deleted = await tx.delete(projects).where(eq(projects.id, id)).returning({ id: projects.id });
    if (!deleted.length) throw new RecordNotFoundError();
  });
}
