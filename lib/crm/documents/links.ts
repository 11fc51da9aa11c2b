import { and, eq, inArray, sql } from 'drizzle-orm';
import { companies, contacts, documentLinks, projects, sales, timelineEvents, type DocumentKind } from '@/db/schema';
import { RecordNotFoundError, type Queryable, type Viewer } from '@/lib/crm/shared';
import { recordEvent, type RecordKind, type RecordRef } from '@/lib/crm/timeline';
import type { DocumentLinksInput } from './client';

const linkColumn = { company: 'companyId', contact: 'contactId', project: 'projectId', sale: 'saleId' } as const satisfies Record<RecordKind, string>;
const inputKey = { company: 'companyIds', contact: 'contactIds', project: 'projectIds', sale: 'saleIds' } as const satisfies Record<RecordKind, keyof DocumentLinksInput>;
const recordTables = { company: companies, contact: contacts, project: projects, sale: sales } as const;

export function linkRefs(links: DocumentLinksInput): RecordRef[] {
  return (Object.keys(inputKey) as RecordKind[]).flatMap((kind) => links[inputKey[kind]].map((id) => ({ kind, id })));
}

/** Every id must name an existing record: a stale page or a guessed id gets "not found", never a half-linked document. */
async function assertRecordsExist(db: Queryable, refs: readonly RecordRef[]): Promise<void> {
  for (const kind of Object.keys(recordTables) as RecordKind[]) {
    const ids = refs.filter((ref) => ref.kind === kind).map((ref) => ref.id);
    if (ids.length === 0) continue;
    const table = recordTables[kind];
    const found = await db.select({ id: table.id }).from(table).where(inArray(table.id, ids));
    if (found.length !== new Set(ids).size) throw new RecordNotFoundError();
  }
}

export interface LinkedDocument {
  id: string;
  kind: DocumentKind;
  documentDate: Date;
}

/**
 * Links a document to records it is not linked to yet, each with an entry on the record's timeline
 * (dated by the document, so timelines list mail in the order it was written). Already linked
 * records are left as they are. Returns how many links were added.
 */
export async function addDocumentLinks(db: Queryable, viewer: Viewer, document: LinkedDocument, links: DocumentLinksInput): Promise<number> {
  const refs = linkRefs(links);
  if (refs.length === 0) return 0;
  await assertRecordsExist(db, refs);
  let added = 0;
  for (const ref of refs) {
    const inserted = await db
      .insert(documentLinks)
      .values({ documentId: document.id, [linkColumn[ref.kind]]: ref.id, createdById: viewer.id })
      .onConflictDoNothing()
      .returning({ id: documentLinks.id });
    if (inserted.length === 0) continue;
    added++;
    await recordEvent(db, {
      kind: document.kind === 'file' ? 'document_added' : 'email_archived',
      record: ref,
      actorId: viewer.id,
      documentId: document.id,
      occurredAt: document.documentDate,
    });
  }
  return added;
}

/** Removes one link and its timeline entry; the document itself stays. */
export async function removeDocumentLink(db: Queryable, documentId: string, ref: RecordRef): Promise<boolean> {
  const column = linkColumn[ref.kind];
  const removed = await db
    .delete(documentLinks)
    .where(and(eq(documentLinks.documentId, documentId), eq(documentLinks[column], ref.id)))
    .returning({ id: documentLinks.id });
  await db.delete(timelineEvents).where(and(eq(timelineEvents.documentId, documentId), eq(timelineEvents[column], ref.id)));
  return removed.length > 0;
}

/** Makes a document's links exactly `links`: adds what is new, removes what is gone. */
export async function replaceDocumentLinks(db: Queryable, viewer: Viewer, document: LinkedDocument, links: DocumentLinksInput): Promise<void> {
  const wanted = new Set(linkRefs(links).map((ref) => `${ref.kind}:${ref.id}`));
  for (const current of await documentLinkRefs(db, document.id)) {
    if (!wanted.has(`${current.kind}:${current.id}`)) await removeDocumentLink(db, document.id, current);
  }
  await addDocumentLinks(db, viewer, document, links);
}

export async function documentLinkRefs(db: Queryable, documentId: string): Promise<RecordRef[]> {
  const rows = await db
    .select({ companyId: documentLinks.companyId, contactId: documentLinks.contactId, projectId: documentLinks.projectId, saleId: documentLinks.saleId })
    .from(documentLinks)
    .where(eq(documentLinks.documentId, documentId))
    .orderBy(documentLinks.createdAt);
  return rows.map(refOfLinkRow);
}

export function refOfLinkRow(row: { companyId: string | null; contactId: string | null; projectId: string | null; saleId: string | null }): RecordRef {
  if (row.companyId) return { kind: 'company', id: row.companyId };
  if (row.contactId) return { kind: 'contact', id: row.contactId };
  if (row.projectId) return { kind: 'project', id: row.projectId };
  return { kind: 'sale', id: row.saleId! };
}

/** The links of several documents, as dialog input: used to propose a reply's or a thread's links. */
export async function linksOfDocuments(db: Queryable, documentIds: readonly string[]): Promise<DocumentLinksInput> {
  const links: DocumentLinksInput = { companyIds: [], contactIds: [], projectIds: [], saleIds: [] };
  if (documentIds.length === 0) return links;
  const rows = await db
    .select({ companyId: documentLinks.companyId, contactId: documentLinks.contactId, projectId: documentLinks.projectId, saleId: documentLinks.saleId })
    .from(documentLinks)
    .where(inArray(documentLinks.documentId, [...documentIds]))
    .orderBy(sql`${documentLinks.createdAt}`);
  for (const ref of rows.map(refOfLinkRow)) {
    const list = links[inputKey[ref.kind]];
    if (!list.includes(ref.id)) list.push(ref.id);
  }
  return links;
}
