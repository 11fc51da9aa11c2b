import { and, eq, isNotNull, lt, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { documents } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { assertActiveViewer, RecordNotFoundError, searchVector, type Transaction, type Viewer } from '@/lib/crm/shared';
import type { RecordRef } from '@/lib/crm/timeline';
import type { DocumentFieldsInput, DocumentLinksInput } from './client';
import { removeDocumentLink, replaceDocumentLinks } from './links';
import { isUniqueViolation, visibleDocument } from './visibility';

/** How long a deleted document can be brought back ("Undo"); after that it is removed for good. */
export const DOCUMENT_UNDO_SECONDS = 30;

async function lockVisibleDocument(tx: Transaction, viewer: Viewer, documentId: string) {
  await assertActiveViewer(tx, viewer);
  const [document] = await tx
    .select({ id: documents.id, kind: documents.kind, documentDate: documents.documentDate, ownerId: documents.ownerId, visibility: documents.visibility })
    .from(documents)
    .where(and(eq(documents.id, documentId), visibleDocument(viewer.id)))
    .for('update');
  if (!document) throw new RecordNotFoundError();
  return document;
}

/** Saves the document dialog in edit mode: fields and the complete set of links. */
export async function updateDocument(
  db: Database,
  viewer: Viewer,
  documentId: string,
  fields: DocumentFieldsInput,
  links: DocumentLinksInput,
): Promise<void> {
  await db.transaction(async (tx) => {
    const document = await lockVisibleDocument(tx, viewer, documentId);
    // Only the one who archived a document may hide it from the team (or share it again).
    if (fields.visibility !== document.visibility && document.ownerId !== viewer.id) throw new UserFacingError('documents.onlyOwnerVisibility');
    const [current] = await tx.select({ subject: documents.subject, filename: documents.filename, textBody: documents.textBody }).from(documents).where(eq(documents.id, documentId));
    const subject = fields.subject || current!.subject;
    const documentDate = fields.date ? new Date(`${fields.date}T${document.documentDate.toISOString().slice(11)}`) : document.documentDate;
    await tx
      .update(documents)
      .set({
        subject,
        documentDate,
        // E-mail in or out can be corrected; an archived file stays a file.
        ...(fields.kind && document.kind !== 'file' ? { kind: fields.kind } : {}),
        ourReference: fields.ourReference,
        yourReference: fields.yourReference,
        visibility: fields.visibility,
        completed: fields.completed,
        search: sql`${searchVector(subject, current!.filename, fields.ourReference, fields.yourReference, current!.textBody)}`,
        updatedAt: new Date(),
      })
      .where(eq(documents.id, documentId));
    await replaceDocumentLinks(tx, viewer, { ...document, documentDate }, links);
  });
}

export async function unlinkDocument(db: Database, viewer: Viewer, documentId: string, record: RecordRef): Promise<void> {
  await db.transaction(async (tx) => {
    await lockVisibleDocument(tx, viewer, documentId);
    await removeDocumentLink(tx, documentId, record);
  });
}

/**
 * Deletes a document from the CRM (never the mail on the server): hidden everywhere at once, and
 * removed for good DOCUMENT_UNDO_SECONDS later unless restored.
 */
export async function deleteDocument(db: Database, viewer: Viewer, documentId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockVisibleDocument(tx, viewer, documentId);
    await tx.update(documents).set({ deletedAt: new Date() }).where(eq(documents.id, documentId));
  });
  await purgeDeletedDocuments(db);
}

/** "Undo" after a delete: the document, its links and timeline entries come back as they were. */
export async function restoreDocument(db: Database, viewer: Viewer, documentId: string): Promise<void> {
  await assertActiveViewer(db, viewer);
  const restored = await db
    .update(documents)
    .set({ deletedAt: null })
    .where(
      and(
        eq(documents.id, documentId),
        isNotNull(documents.deletedAt),
        sql`(${documents.visibility} = 'everyone' or ${documents.ownerId} = ${viewer.id})`,
      ),
    )
    .returning({ id: documents.id })
    .catch((error: unknown) => {
      // Archived again meanwhile: the unique index keeps the newer document.
      if (isUniqueViolation(error)) return [];
      throw error;
    });
  if (restored.length === 0) throw new UserFacingError('documents.cannotRestore');
}

/** Removes documents deleted longer ago than the undo period (called after each delete and by the cron pass). */
export async function purgeDeletedDocuments(db: Database, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DOCUMENT_UNDO_SECONDS * 1000);
  const removed = await db
    .delete(documents)
    .where(and(isNotNull(documents.deletedAt), lt(documents.deletedAt, cutoff)))
    .returning({ id: documents.id });
  return removed.length;
}
