import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { companies, contacts, documentAttachments, documentLinks, documents, projects, sales, users } from '@/db/schema';
import { assertActiveViewer, isRecordId, type Queryable, type Viewer } from '@/lib/crm/shared';
import type { RecordRef } from '@/lib/crm/timeline';
import { parseMime } from '@/lib/mail/mime';
import { refOfLinkRow } from './links';
import { visibleDocument } from './visibility';

export interface DocumentLinkView extends RecordRef {
  name: string;
}

/** A document as its page shows it, or undefined when it does not exist or the viewer may not see it (one answer for both). */
export async function getDocument(db: Queryable, viewer: Viewer, documentId: string) {
  if (!isRecordId(documentId)) return undefined;
  await assertActiveViewer(db, viewer);
  const [document] = await db
    .select({
      id: documents.id,
      kind: documents.kind,
      visibility: documents.visibility,
      ownerId: documents.ownerId,
      ownerName: users.name,
      subject: documents.subject,
      documentDate: documents.documentDate,
      ourReference: documents.ourReference,
      yourReference: documents.yourReference,
      completed: documents.completed,
      messageIdHeader: documents.messageIdHeader,
      threadId: documents.threadId,
      from: documents.fromAddresses,
      to: documents.toAddresses,
      cc: documents.ccAddresses,
      textBody: documents.textBody,
      htmlBody: documents.htmlBody,
      blockedRemoteImages: documents.blockedRemoteImages,
      filename: documents.filename,
      contentType: documents.contentType,
      size: documents.size,
      createdAt: documents.createdAt,
    })
    .from(documents)
    .leftJoin(users, eq(users.id, documents.ownerId))
    .where(and(eq(documents.id, documentId), visibleDocument(viewer.id)));
  if (!document) return undefined;
  const attachments = await db
    .select({
      id: documentAttachments.id,
      filename: documentAttachments.filename,
      contentType: documentAttachments.contentType,
      size: documentAttachments.size,
      isInline: documentAttachments.isInline,
    })
    .from(documentAttachments)
    .where(eq(documentAttachments.documentId, documentId))
    .orderBy(asc(documentAttachments.position));
  return { ...document, attachments, links: await documentLinkViews(db, documentId) };
}
export type DocumentView = NonNullable<Awaited<ReturnType<typeof getDocument>>>;

/** A document's links with the names of their records, in the order they were made. */
export async function documentLinkViews(db: Queryable, documentId: string): Promise<DocumentLinkView[]> {
  const rows = await db
    .select({
      companyId: documentLinks.companyId,
      contactId: documentLinks.contactId,
      projectId: documentLinks.projectId,
      saleId: documentLinks.saleId,
      companyName: companies.name,
      contactName: sql<string | null>`nullif(btrim(${contacts.firstName} || ' ' || ${contacts.lastName}), '')`,
      projectName: projects.name,
      saleName: sales.title,
    })
    .from(documentLinks)
    .leftJoin(companies, eq(companies.id, documentLinks.companyId))
    .leftJoin(contacts, eq(contacts.id, documentLinks.contactId))
    .leftJoin(projects, eq(projects.id, documentLinks.projectId))
    .leftJoin(sales, eq(sales.id, documentLinks.saleId))
    .where(eq(documentLinks.documentId, documentId))
    .orderBy(asc(documentLinks.createdAt));
  return rows.map((row) => ({ ...refOfLinkRow(row), name: row.companyName ?? row.contactName ?? row.projectName ?? row.saleName ?? '' }));
}

/** The stored file (the original `.eml`, or the archived attachment) of a document the viewer may see. */
export async function getDocumentFile(db: Queryable, viewer: Viewer, documentId: string) {
  if (!isRecordId(documentId)) return undefined;
  await assertActiveViewer(db, viewer);
  const [file] = await db
    .select({ filename: documents.filename, contentType: documents.contentType, content: documents.content })
    .from(documents)
    .where(and(eq(documents.id, documentId), visibleDocument(viewer.id)));
  return file ? { ...file, content: Buffer.from(file.content) } : undefined;
}

/**
 * An attachment of an archived message, cut out of the stored original by its MIME part: the
 * document needs neither the mailbox nor a second copy of the bytes.
 */
export async function getDocumentAttachment(db: Queryable, viewer: Viewer, attachmentId: string) {
  if (!isRecordId(attachmentId)) return undefined;
  await assertActiveViewer(db, viewer);
  const [row] = await db
    .select({
      filename: documentAttachments.filename,
      contentType: documentAttachments.contentType,
      part: documentAttachments.part,
      source: documents.content,
    })
    .from(documentAttachments)
    .innerJoin(documents, eq(documents.id, documentAttachments.documentId))
    .where(and(eq(documentAttachments.id, attachmentId), visibleDocument(viewer.id)));
  if (!row?.part) return undefined;
  const parsed = parseMime(Buffer.from(row.source));
  const part = parsed.attachments.find((attachment) => attachment.partId === row.part);
  if (!part) return undefined;
  return { filename: row.filename, contentType: row.contentType, content: Buffer.from(part.content) };
}

export interface ArchivedMarker {
  documentId: string;
  archivedBy: string | null;
  archivedAt: Date;
}

/**
 * Which of the viewer's messages are archived (a document the viewer may see holds them), keyed by
 * message row id: the Inbox's "archived" marker. Also which of their attachments are, keyed by
 * `<message row id>:<part>`.
 */
export async function archivedMarkers(
  db: Queryable,
  viewer: Viewer,
  messages: readonly { id: string; messageId: string | null }[],
): Promise<Map<string, ArchivedMarker>> {
  const markers = new Map<string, ArchivedMarker>();
  const headerIds = [...new Set(messages.map((message) => message.messageId).filter((id): id is string => id !== null))];
  const rowIds = messages.filter((message) => message.messageId === null).map((message) => message.id);
  if (headerIds.length === 0 && rowIds.length === 0) return markers;
  const rows = await db
    .select({
      id: documents.id,
      messageIdHeader: documents.messageIdHeader,
      originMailMessageId: documents.originMailMessageId,
      part: documents.originPart,
      ownerName: users.name,
      createdAt: documents.createdAt,
    })
    .from(documents)
    .leftJoin(users, eq(users.id, documents.ownerId))
    .where(
      and(
        visibleDocument(viewer.id),
        sql`(${headerIds.length ? inArray(documents.messageIdHeader, headerIds) : sql`false`} or (${documents.messageIdHeader} is null and ${rowIds.length ? inArray(documents.originMailMessageId, rowIds) : sql`false`}))`,
      ),
    )
    .orderBy(asc(documents.createdAt));
  for (const message of messages) {
    for (const row of rows) {
      const same = message.messageId ? row.messageIdHeader === message.messageId : row.originMailMessageId === message.id;
      if (!same) continue;
      const key = row.part === null ? message.id : `${message.id}:${row.part}`;
      if (!markers.has(key)) markers.set(key, { documentId: row.id, archivedBy: row.ownerName, archivedAt: row.createdAt });
    }
  }
  return markers;
}

/** Documents of a conversation the viewer may see (newest first): replies in an archived thread are proposed with their links. */
export async function documentsOfThread(db: Queryable, viewer: Viewer, threadId: string) {
  return db
    .select({ id: documents.id, subject: documents.subject, visibility: documents.visibility })
    .from(documents)
    .where(and(eq(documents.threadId, threadId), isNull(documents.originPart), visibleDocument(viewer.id)))
    .orderBy(sql`${documents.documentDate} desc`)
    .limit(20);
}
