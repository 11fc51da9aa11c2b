import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { documentAttachments, documents, type DocumentKind, type MailAddressEntry } from '@/db/schema';
import { assertActiveViewer, searchVector, type Queryable, type Viewer } from '@/lib/crm/shared';
import type { ParsedMessage } from '@/lib/mail/mime';
import type { DocumentFieldsInput, DocumentLinksInput } from './client';
import { addDocumentLinks } from './links';
import { isUniqueViolation, visibleDocument } from './visibility';

/** Where a document came from: what makes "the same message" (or the same attachment of it) for dedupe. */
export interface DocumentOrigin {
  messageIdHeader: string | null;
  /** The imported message, for messages without a Message-ID (and as a hint for the Inbox). */
  mailMessageId: string | null;
  /** The attachment's MIME part; null for a whole message. */
  part: string | null;
}

export interface NewDocument {
  kind: DocumentKind;
  origin: DocumentOrigin;
  subject: string;
  documentDate: Date;
  threadId: string | null;
  inReplyTo: string | null;
  from: MailAddressEntry[];
  to: MailAddressEntry[];
  cc: MailAddressEntry[];
  textBody: string | null;
  htmlBody: string | null;
  blockedRemoteImages: number;
  filename: string;
  contentType: string;
  content: Buffer;
  /** Attachments of an archived message (metadata only; their bytes stay inside `content`). */
  attachments: ParsedMessage['attachments'];
  searchText: string;
}

export interface ArchivedDocument {
  documentId: string;
  /** False when the message was archived before: its document got the new links instead. */
  created: boolean;
}

/** The document (visible to the viewer) that already holds this message or attachment, if any. */
export async function findArchivedDocument(db: Queryable, viewer: Viewer, origin: DocumentOrigin) {
  const sameOrigin = origin.messageIdHeader
    ? eq(documents.messageIdHeader, origin.messageIdHeader)
    : origin.mailMessageId
      ? and(isNull(documents.messageIdHeader), eq(documents.originMailMessageId, origin.mailMessageId))
      : undefined;
  if (!sameOrigin) return undefined;
  const [existing] = await db
    .select({ id: documents.id, kind: documents.kind, documentDate: documents.documentDate })
    .from(documents)
    .where(
      and(
        sameOrigin,
        origin.part === null ? isNull(documents.originPart) : eq(documents.originPart, origin.part),
        visibleDocument(viewer.id),
      ),
    )
    // A shared document wins over the viewer's own private copy.
    .orderBy(sql`${documents.visibility} = 'everyone' desc`)
    .limit(1);
  return existing;
}

/** Adds links to the document that already holds this message or attachment; null when there is none yet. */
export async function linkArchivedDocument(db: Database, viewer: Viewer, origin: DocumentOrigin, links: DocumentLinksInput): Promise<ArchivedDocument | null> {
  return db.transaction(async (tx) => {
    await assertActiveViewer(tx, viewer);
    const existing = await findArchivedDocument(tx, viewer, origin);
    if (!existing) return null;
    await addDocumentLinks(tx, viewer, existing, links);
    return { documentId: existing.id, created: false };
  });
}

/**
 * Stores a document with its links and timeline entries, or, when the viewer can already see a
 * document of the same message (Message-ID) or attachment, adds the links to that one: one message
 * is one document, however often and by whomever it is archived. Two people archiving the same
 * message at the same moment meet at the unique index and end up with one document.
 */
export async function storeDocument(
  db: Database,
  viewer: Viewer,
  document: NewDocument,
  fields: Omit<DocumentFieldsInput, 'subject' | 'date' | 'kind'>,
  links: DocumentLinksInput,
): Promise<ArchivedDocument> {
  const attempt = () =>
    db.transaction(async (tx) => {
      await assertActiveViewer(tx, viewer);
      const existing = await findArchivedDocument(tx, viewer, document.origin);
      if (existing) {
        await addDocumentLinks(tx, viewer, existing, links);
        return { documentId: existing.id, created: false };
      }
      const id = crypto.randomUUID();
      await tx.insert(documents).values({
        id,
        kind: document.kind,
        visibility: fields.visibility,
        ownerId: viewer.id,
        subject: document.subject,
        documentDate: document.documentDate,
        ourReference: fields.ourReference,
        yourReference: fields.yourReference,
        completed: fields.completed,
        messageIdHeader: document.origin.messageIdHeader,
        originMailMessageId: document.origin.mailMessageId,
        originPart: document.origin.part,
        threadId: document.threadId,
        inReplyTo: document.inReplyTo,
        fromAddresses: document.from,
        toAddresses: document.to,
        ccAddresses: document.cc,
        textBody: document.textBody,
        htmlBody: document.htmlBody,
        blockedRemoteImages: document.blockedRemoteImages,
        filename: document.filename,
        contentType: document.contentType,
        size: document.content.length,
        content: document.content,
        search: searchVector(document.subject, document.filename, fields.ourReference, fields.yourReference, document.searchText),
      });
      if (document.attachments.length > 0) {
        await tx.insert(documentAttachments).values(
          document.attachments.map((attachment, position) => ({
            id: attachment.id,
            documentId: id,
            filename: attachment.filename,
            contentType: attachment.contentType,
            size: attachment.size,
            contentId: attachment.contentId,
            isInline: attachment.isInline,
            part: attachment.part,
            position,
          })),
        );
      }
      await addDocumentLinks(tx, viewer, { id, kind: document.kind, documentDate: document.documentDate }, links);
      return { documentId: id, created: true };
    });
  try {
    return await attempt();
  } catch (error) {
    // Someone else stored the same message meanwhile: the second attempt finds theirs.
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}
