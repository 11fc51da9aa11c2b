import type { Database } from '@/db';
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { companies, contacts, crmNotes, documents, projects, sales, timelineEvents, users, type DocumentKind, type TimelineEventKind } from '@/db/schema';
import { assertActiveViewer, decodeCursor, pageFromRows, RecordNotFoundError, visibleDocument, type ListPage, type Queryable, type Viewer } from '@/lib/crm/shared';
import { recordColumnKey, recordColumns, type RecordRef } from './record-ref';

export interface NewTimelineEvent {
  kind: TimelineEventKind;
  record: RecordRef;
  actorId: string | null;
  data?: Record<string, unknown>;
  documentId?: string;
  occurredAt?: Date;
}

/** Records what happened to a record; call it inside the transaction that made the change. */
export async function recordEvent(db: Queryable, event: NewTimelineEvent): Promise<void> {
  await db.insert(timelineEvents).values({
    kind: event.kind,
    ...recordColumns(event.record),
    actorId: event.actorId,
    data: event.data ?? {},
    documentId: event.documentId ?? null,
    ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
  });
}

export interface TimelineEntry {
  id: string;
  kind: TimelineEventKind;
  actorName: string | null;
  data: Record<string, unknown>;
  documentId: string | null;
  /** The archived document, for entries about one (what the viewer may see of it). */
  document: { subject: string; kind: DocumentKind; onlyMe: boolean; from: string | null } | null;
  occurredAt: Date;
}

const recordTables = { company: companies, contact: contacts, project: projects, sale: sales } as const;

async function assertRecordExists(db: Queryable, record: RecordRef): Promise<void> {
  const table = recordTables[record.kind];
  const [row] = await db.select({ id: table.id }).from(table).where(eq(table.id, record.id)).limit(1);
  if (!row) throw new RecordNotFoundError();
}

/** A record's timeline, newest first, optionally only some kinds, keyset-paged. */
export async function listTimeline(
  db: Queryable,
  viewer: Viewer,
  record: RecordRef,
  options: { kinds?: TimelineEventKind[]; cursor?: string | null; limit?: number } = {},
): Promise<ListPage<TimelineEntry>> {
  await assertActiveViewer(db, viewer);
  const limit = options.limit ?? 50;
  const cursor = decodeCursor(options.cursor);
  const column = timelineEvents[recordColumnKey[record.kind]];
  const rows = await db
    .select({
      id: timelineEvents.id,
      kind: timelineEvents.kind,
      actorName: users.name,
      data: timelineEvents.data,
      documentId: timelineEvents.documentId,
      documentSubject: documents.subject,
      documentKind: documents.kind,
      documentVisibility: documents.visibility,
      documentFrom: sql<string | null>`${documents.fromAddresses}->0->>'address'`,
      occurredAt: timelineEvents.occurredAt,
      cursorKey: sql<string>`${timelineEvents.occurredAt}::text`,
    })
    .from(timelineEvents)
    .leftJoin(users, eq(users.id, timelineEvents.actorId))
    .leftJoin(documents, eq(documents.id, timelineEvents.documentId))
    .where(
      and(
        eq(column, record.id),
        // Entries about a document follow the document's visibility: another user's "only me" mail is not there at all.
        or(isNull(timelineEvents.documentId), visibleDocument(viewer.id)),
        options.kinds?.length ? inArray(timelineEvents.kind, options.kinds) : undefined,
        cursor ? sql`(${timelineEvents.occurredAt}, ${timelineEvents.id}) < (${cursor.key}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(timelineEvents.occurredAt), desc(timelineEvents.id))
    .limit(limit + 1);
  const page = pageFromRows(rows, limit);
  return {
    ...page,
    items: page.items.map(({ documentSubject, documentKind, documentVisibility, documentFrom, ...entry }) => ({
      ...entry,
      document: documentKind === null ? null : { subject: documentSubject ?? '', kind: documentKind, onlyMe: documentVisibility === 'only_me', from: documentFrom },
    })),
  };
}

export const NOTE_MAX_LENGTH = 10_000;

/** Adds a note to a record and a "note added" entry to its timeline. */
export async function addNote(db: Database, viewer: Viewer, record: RecordRef, body: string): Promise<string> {
  const text = body.trim().slice(0, NOTE_MAX_LENGTH);
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    await assertRecordExists(tx, record);
    const [note] = await tx.insert(crmNotes).values({ ...recordColumns(record), body: text, authorId: viewer.id }).returning({ id: crmNotes.id });
    await recordEvent(tx, { kind: 'note_added', record, actorId: viewer.id, data: { noteId: note!.id, body: text } });
    return note!.id;
  });
}
