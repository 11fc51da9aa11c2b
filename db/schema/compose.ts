import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { bytea } from './column-types';
import { mailAccounts, mailMessages, type MailAddressEntry } from './mail';

/**
 * Where a message being written stands:
 * draft → scheduled (Send pressed; waits out "Undo send") → sending (claimed by one worker) →
 * sent | failed (the server refused or could not be reached: nothing left, editable again) |
 * unknown (the connection broke after the message was handed over: it may have gone out).
 */
export const mailDraftState = pgEnum('mail_draft_state', ['draft', 'scheduled', 'sending', 'sent', 'failed', 'unknown']);
export const mailDraftKind = pgEnum('mail_draft_kind', ['new', 'reply', 'reply_all', 'forward']);

/** The server's error, kept to show in the user's language: a catalog key under `compose.` and its values. */
export interface MailDraftError {
  key: string;
  values?: Record<string, string | number>;
}

/** A message being written, saved as it is typed, until it has been sent. */
/** What "Send and archive" asked for (see mail_drafts.archive_on_send). */
export interface MailDraftArchiveRequest {
  companyIds: string[];
  contactIds: string[];
  projectIds: string[];
  saleIds: string[];
  visibility: 'everyone' | 'only_me';
}

export const mailDrafts = pgTable(
  'mail_drafts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => mailAccounts.id, { onDelete: 'cascade' }),
    /** Fixed when the draft is made (without angle brackets): every send attempt and the Drafts/Sent copies carry it. */
    messageId: text('message_id').notNull().unique(),
    kind: mailDraftKind('kind').notNull().default('new'),
    /** The message replied to or forwarded, while it is still imported. */
    sourceMessageId: uuid('source_message_id').references(() => mailMessages.id, { onDelete: 'set null' }),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default(sql`'{}'::text[]`),
    toAddresses: jsonb('to_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    ccAddresses: jsonb('cc_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    bccAddresses: jsonb('bcc_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    subject: text('subject').notNull().default(''),
    /** The editor's HTML as saved (sanitized on the server at every save). */
    html: text('html').notNull().default(''),
    /** The plain-text alternative, made from the HTML. */
    text: text('text').notNull().default(''),
    /** The signature was put into the body when the draft was made (so it is not added twice). */
    signatureApplied: boolean('signature_applied').notNull().default(false),
    state: mailDraftState('state').notNull().default('draft'),
    /** Scheduled drafts are sent from this moment on (now + the undo-send delay). */
    sendAfter: timestamp('send_after', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: jsonb('last_error').$type<MailDraftError>(),
    /** The copy in the server's Drafts folder, replaced at every save that reaches the server. */
    serverDraftFolder: text('server_draft_folder'),
    serverDraftUidValidity: bigint('server_draft_uid_validity', { mode: 'number' }),
    serverDraftUid: bigint('server_draft_uid', { mode: 'number' }),
    /** Bumped at every save; the Drafts copy is only replaced by a newer revision. */
    revision: integer('revision').notNull().default(0),
    serverDraftRevision: integer('server_draft_revision').notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * "Send and archive": the CRM links (and visibility) the message is archived with once it has
     * left, from the exact bytes that went to Sent. Null for a plain send.
     */
    archiveOnSend: jsonb('archive_on_send').$type<MailDraftArchiveRequest>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('mail_drafts_account_updated_idx').on(table.accountId, table.updatedAt.desc()),
    index('mail_drafts_due_idx').on(table.state, table.sendAfter),
  ],
);

/** Files attached to a draft (uploaded, or carried over from a forwarded message). */
export const mailDraftAttachments = pgTable(
  'mail_draft_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    draftId: uuid('draft_id')
      .notNull()
      .references(() => mailDrafts.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('mail_draft_attachments_draft_idx').on(table.draftId)],
);

/** Composer settings per user (Settings → E-mail options). */
export const composeSettings = pgTable('compose_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** How long "Undo send" is offered before the message goes out; 0 sends at once. */
  undoSendSeconds: integer('undo_send_seconds').notNull().default(5),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type MailDraft = typeof mailDrafts.$inferSelect;
export type MailDraftState = (typeof mailDraftState.enumValues)[number];
export type MailDraftKind = (typeof mailDraftKind.enumValues)[number];
