import { relations, sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { bytea, tsvector } from './column-types';
import { companies, contacts, projects, sales } from './crm';
import { mailMessages, type MailAddressEntry } from './mail';

// ---------------------------------------------------------------------------------------------
// Documents: an e-mail (or one of its attachments) archived into the CRM, linked to any number of
// companies, contacts, projects and sales, shown on their timelines for the whole team.
//
// A document is independent of the mailbox it came from: it keeps the complete original message
// (byte for byte, fetched from the server at archive time) and everything it shows, so it survives
// the message's deletion or move on the server and the removal of the mail account.

/** "E-mail in" / "E-mail out" for a whole message (from its direction), "file" for one archived attachment. */
export const documentKind = pgEnum('document_kind', ['email_in', 'email_out', 'file']);
/** Who sees a document: the whole team, or only the user who archived it. */
export const documentVisibility = pgEnum('document_visibility', ['everyone', 'only_me']);

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: documentKind('kind').notNull(),
    visibility: documentVisibility('visibility').notNull().default('everyone'),
    /** Who archived it; an "only me" document is visible to this user alone. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    subject: text('subject').notNull(),
    /** The message's date (its Date header, else when the server received it): the document's place on timelines. */
    documentDate: timestamp('document_date', { withTimezone: true }).notNull(),
    ourReference: text('our_reference').notNull().default(''),
    yourReference: text('your_reference').notNull().default(''),
    completed: boolean('completed').notNull().default(true),
    /**
     * The normalised Message-ID of the archived message (lib/mail/mime): archiving the same message
     * again, from any mailbox, finds this document instead of making a second one.
     */
    messageIdHeader: text('message_id_header'),
    /** For messages without a Message-ID: the imported message it came from (dedupe within one mailbox). */
    originMailMessageId: uuid('origin_mail_message_id').references(() => mailMessages.id, { onDelete: 'set null' }),
    /** The archived attachment's MIME part number; null for a whole message. */
    originPart: text('origin_part'),
    /** The message's conversation (lib/mail/mime threadIdFor), so replies in an archived thread are proposed with its links. */
    threadId: text('thread_id'),
    inReplyTo: text('in_reply_to'),
    fromAddresses: jsonb('from_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    toAddresses: jsonb('to_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    ccAddresses: jsonb('cc_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    textBody: text('text_body'),
    /** Sanitised when archived (lib/mail/html), exactly as the Inbox stores it: safe to render, remote images blocked. */
    htmlBody: text('html_body'),
    blockedRemoteImages: integer('blocked_remote_images').notNull().default(0),
    /** The file itself: the original message (`message/rfc822`) or the attachment's bytes. */
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    content: bytea('content').notNull(),
    search: tsvector('search').notNull(),
    /** Set by "Delete": hidden everywhere at once, kept a few minutes so the user can undo, then removed. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('documents_message_id_idx').on(table.messageIdHeader).where(sql`${table.messageIdHeader} is not null`),
    index('documents_origin_message_idx').on(table.originMailMessageId).where(sql`${table.originMailMessageId} is not null`),
    index('documents_thread_idx').on(table.threadId).where(sql`${table.threadId} is not null`),
    index('documents_search_idx').using('gin', table.search),
    index('documents_deleted_idx').on(table.deletedAt).where(sql`${table.deletedAt} is not null`),
    // One shared document per message (or attachment of it): two people archiving the same mail at the
    // same moment end up with one document. "Only me" documents are one per owner.
    uniqueIndex('documents_shared_message_unique')
      .on(table.messageIdHeader, sql`coalesce(${table.originPart}, '')`)
      .where(sql`${table.visibility} = 'everyone' and ${table.deletedAt} is null and ${table.messageIdHeader} is not null`),
    uniqueIndex('documents_private_message_unique')
      .on(table.ownerId, table.messageIdHeader, sql`coalesce(${table.originPart}, '')`)
      .where(sql`${table.visibility} = 'only_me' and ${table.deletedAt} is null and ${table.messageIdHeader} is not null`),
    check('documents_file_has_part', sql`(${table.kind} = 'file') = (${table.originPart} is not null)`),
  ],
);

/** A document's link to one record (exactly one of the four columns); a document has any number. */
export const documentLinks = pgTable(
  'document_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    saleId: uuid('sale_id').references(() => sales.id, { onDelete: 'cascade' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('document_links_company').on(table.documentId, table.companyId),
    unique('document_links_contact').on(table.documentId, table.contactId),
    unique('document_links_project').on(table.documentId, table.projectId),
    unique('document_links_sale').on(table.documentId, table.saleId),
    index('document_links_company_idx').on(table.companyId).where(sql`${table.companyId} is not null`),
    index('document_links_contact_idx').on(table.contactId).where(sql`${table.contactId} is not null`),
    index('document_links_project_idx').on(table.projectId).where(sql`${table.projectId} is not null`),
    index('document_links_sale_idx').on(table.saleId).where(sql`${table.saleId} is not null`),
    check('document_links_one_record', sql`num_nonnulls(${table.companyId}, ${table.contactId}, ${table.projectId}, ${table.saleId}) = 1`),
  ],
);

/**
 * The attachments of an archived message, as listed on the document. Their bytes are not copied:
 * they are read from the stored original by `part` when opened, so the message is stored once.
 */
export const documentAttachments = pgTable(
  'document_attachments',
  {
    /** Chosen before the insert, so the document's sanitised HTML can already link its `cid:` images here. */
    id: uuid('id').primaryKey(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    filename: text('filename'),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    contentId: text('content_id'),
    isInline: boolean('is_inline').notNull().default(false),
    part: text('part'),
    position: integer('position').notNull(),
  },
  (table) => [index('document_attachments_document_idx').on(table.documentId, table.position)],
);

export const documentsRelations = relations(documents, ({ many, one }) => ({
  owner: one(users, { fields: [documents.ownerId], references: [users.id] }),
  links: many(documentLinks),
  attachments: many(documentAttachments),
}));

export const documentLinksRelations = relations(documentLinks, ({ one }) => ({
  document: one(documents, { fields: [documentLinks.documentId], references: [documents.id] }),
}));

export const documentAttachmentsRelations = relations(documentAttachments, ({ one }) => ({
  document: one(documents, { fields: [documentAttachments.documentId], references: [documents.id] }),
}));

export type Document = typeof documents.$inferSelect;
export type DocumentKind = (typeof documentKind.enumValues)[number];
export type DocumentVisibility = (typeof documentVisibility.enumValues)[number];
export type DocumentLink = typeof documentLinks.$inferSelect;
export type DocumentAttachment = typeof documentAttachments.$inferSelect;
