import { relations, sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { bytea, tsvector } from './column-types';

export const mailTls = pgEnum('mail_tls', ['implicit', 'starttls', 'none']);
export const mailSettingsSource = pgEnum('mail_settings_source', ['builtin', 'autoconfig', 'well-known', 'srv', 'mx', 'guess', 'manual']);
export const mailAccountStatus = pgEnum('mail_account_status', ['ok', 'auth_failed', 'error']);
/** How the account logs in: the mailbox password, or the provider's sign-in (OAuth2 tokens, XOAUTH2). */
export const mailAuthMethod = pgEnum('mail_auth_method', ['password', 'oauth2']);
export const mailOAuthProvider = pgEnum('mail_oauth_provider', ['microsoft', 'google']);

/**
 * A user's connected mailbox. Passwords are stored only as AES-256-GCM envelopes
 * (lib/crypto/envelope.ts) bound to the account id, never in clear.
 */
export const mailAccounts = pgTable('mail_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  // One mailbox per CRM user for now: the Inbox shows "your" mailbox.
  userId: uuid('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  emailAddress: text('email_address').notNull(),
  displayName: text('display_name').notNull().default(''),
  imapHost: text('imap_host').notNull(),
  imapPort: integer('imap_port').notNull(),
  imapTls: mailTls('imap_tls').notNull(),
  imapUsername: text('imap_username').notNull(),
  /** Null for an account that signs in with its provider (auth_method 'oauth2'). */
  imapPasswordEncrypted: text('imap_password_encrypted'),
  smtpHost: text('smtp_host').notNull(),
  smtpPort: integer('smtp_port').notNull(),
  smtpTls: mailTls('smtp_tls').notNull(),
  smtpUsername: text('smtp_username').notNull(),
  smtpPasswordEncrypted: text('smtp_password_encrypted'),
  authMethod: mailAuthMethod('auth_method').notNull().default('password'),
  oauthProvider: mailOAuthProvider('oauth_provider'),
  /** Envelopes like the passwords', bound to the owner; the refresh token never leaves the server. */
  oauthRefreshTokenEncrypted: text('oauth_refresh_token_encrypted'),
  /** The current access token, shared by every process that needs the mailbox until it expires. */
  oauthAccessTokenEncrypted: text('oauth_access_token_encrypted'),
  oauthAccessTokenExpiresAt: timestamp('oauth_access_token_expires_at', { withTimezone: true }),
  settingsSource: mailSettingsSource('settings_source').notNull(),
  status: mailAccountStatus('status').notNull().default('ok'),
  lastError: text('last_error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type MailAccount = typeof mailAccounts.$inferSelect;
export type MailOAuthProvider = (typeof mailOAuthProvider.enumValues)[number];

export interface MailOAuthServers {
  imap: { host: string; port: number; tls: MailTls; username: string };
  smtp: { host: string; port: number; tls: MailTls; username: string };
  source: (typeof mailSettingsSource.enumValues)[number];
}

/**
 * A provider sign-in under way: the `state` sent to the provider (stored as its SHA-256 only), the
 * PKCE verifier, and the session that started it. The callback deletes the row as it reads it, so a
 * state works once, for that session, until it expires.
 */
export const mailOAuthStates = pgTable(
  'mail_oauth_states',
  {
    stateHash: text('state_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: text('session_id').notNull(),
    provider: mailOAuthProvider('provider').notNull(),
    emailAddress: text('email_address').notNull(),
    displayName: text('display_name').notNull().default(''),
    codeVerifier: text('code_verifier').notNull(),
    /** The servers to verify and save after the sign-in (detected, or typed into the manual form); no secrets. */
    servers: jsonb('servers').$type<MailOAuthServers>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('mail_oauth_states_user_id_idx').on(table.userId)],
);
export type NewMailAccount = typeof mailAccounts.$inferInsert;
export type MailTls = (typeof mailTls.enumValues)[number];

// ---------------------------------------------------------------------------------------------
// Mail import: folders, messages and attachments copied from the user's IMAP mailbox, and the
// per-account state of the importer (lib/mail/sync).

/** What a folder is for, from its RFC 6154 special-use flag or, failing that, its (possibly Swedish) name. */
export const mailFolderSpecialUse = pgEnum('mail_folder_special_use', ['inbox', 'sent', 'drafts', 'trash', 'junk', 'archive']);

/**
 * One IMAP folder of an account and the importer's cursor for it.
 *
 * UIDs and UIDVALIDITY are 32-bit unsigned numbers (RFC 3501), so they are bigint in the database
 * (an integer column is signed 32-bit) but plain numbers in TypeScript. HIGHESTMODSEQ is up to
 * 2^63 − 1 (RFC 7162) and servers do hand out values above 2^53 (timestamp-based modseqs), so it
 * stays a bigint all the way through; Postgres' bigint holds exactly that range.
 */
export const mailFolders = pgTable(
  'mail_folders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => mailAccounts.id, { onDelete: 'cascade' }),
    /** The full path as the server spells it (decoded from modified UTF-7), e.g. `INBOX/Projects`. */
    path: text('path').notNull(),
    /** Hierarchy separator; null for a server with a flat namespace. */
    delimiter: text('delimiter'),
    /** The last segment of the path, for display. */
    name: text('name').notNull(),
    specialUse: mailFolderSpecialUse('special_use'),
    /** Set in code when the folder is first seen: INBOX and Sent on, everything else off. */
    selectedForImport: boolean('selected_for_import').notNull().default(false),
    /** UIDVALIDITY the stored messages and the cursors below belong to; null before the first import. */
    uidValidity: bigint('uid_validity', { mode: 'number' }),
    /** Every UID at or above this one is new to us; null until the first import started. */
    uidNext: bigint('uid_next', { mode: 'number' }),
    /** Flags and expunges are known up to this HIGHESTMODSEQ; null without CONDSTORE or before the first import. */
    highestModseq: bigint('highest_modseq', { mode: 'bigint' }),
    /**
     * Start (UTC midnight) of the download window that is completely imported below `uid_next`.
     * Null until the first import finished. When NUMBER_OF_DAYS_TO_DOWNLOAD grows, the older days are
     * backfilled and this moves back.
     */
    importedSince: timestamp('imported_since', { withTimezone: true }),
    /** A window fill in progress (first import or backfill) reaches back to this day … */
    fillSince: timestamp('fill_since', { withTimezone: true }),
    /** … and has imported every matching UID at or above this one (it works from the newest down). */
    fillBelowUid: bigint('fill_below_uid', { mode: 'number' }),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    /**
     * Messages without \\Seen in the folder, kept by statement-level triggers on mail_messages
     * (migration 0004), so the folder list reads a number instead of counting a large folder's unread
     * mail on every page.
     */
    unreadCount: integer('unread_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('mail_folders_account_path_unique').on(table.accountId, table.path)],
);

/** An address as shown in a message header: the display name may be empty. */
export interface MailAddressEntry {
  name: string;
  address: string;
}

/**
 * One imported message. Message-ID, In-Reply-To and References are stored normalised and without
 * angle brackets (lib/mail/message-id.ts), so threads can be joined with plain equality.
 */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Denormalised from the folder so an account's mail (inbox view, search) needs no join.
    accountId: uuid('account_id')
      .notNull()
      .references(() => mailAccounts.id, { onDelete: 'cascade' }),
    folderId: uuid('folder_id')
      .notNull()
      .references(() => mailFolders.id, { onDelete: 'cascade' }),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    uid: bigint('uid', { mode: 'number' }).notNull(),
    messageId: text('message_id'),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default(sql`'{}'::text[]`),
    /** The normalised Message-ID of the thread's first message (see threadIdFor()), or a generated id. */
    threadId: text('thread_id').notNull(),
    fromAddresses: jsonb('from_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    toAddresses: jsonb('to_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    ccAddresses: jsonb('cc_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    bccAddresses: jsonb('bcc_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    replyToAddresses: jsonb('reply_to_addresses').$type<MailAddressEntry[]>().notNull().default([]),
    subject: text('subject').notNull().default(''),
    /** The Date header; null when missing or unreadable. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** IMAP INTERNALDATE: when the server received (or was given) the message. */
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    /** RFC822.SIZE in bytes. */
    size: integer('size').notNull(),
    /** Up to 200 characters of the text, whitespace collapsed, for message lists. */
    snippet: text('snippet').notNull().default(''),
    textBody: text('text_body'),
    /** Already sanitised (lib/mail/html): safe to render, remote images blocked. */
    htmlBody: text('html_body'),
    blockedRemoteImages: integer('blocked_remote_images').notNull().default(0),
    hasRemoteContent: boolean('has_remote_content').notNull().default(false),
    /** At least one attachment that is not an inline part of the HTML (for the paperclip in lists). */
    hasAttachments: boolean('has_attachments').notNull().default(false),
    /** Why the message could not be parsed; the columns above then hold what the headers gave. */
    parseError: text('parse_error'),
    /** The message as received, kept only when parsing failed, so nothing is lost. */
    rawSource: bytea('raw_source'),
    search: tsvector('search'),
    /**
     * SANITIZER_VERSION (lib/mail/html) and TOKENIZER_VERSION (lib/search) that produced the stored
     * HTML, text and search words. The source is not kept, so when either moves on, `npm run
     * mail:reprocess` (and the import pass, a few at a time) fetches older messages again and
     * re-prepares them. 0: stored before versions were recorded.
     */
    sanitizerVersion: integer('sanitizer_version').notNull().default(0),
    tokenizerVersion: integer('tokenizer_version').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('mail_messages_folder_uid_unique').on(table.folderId, table.uidValidity, table.uid),
    // Keyset paging: (received_at, id) in both directions, per folder and (for search) per account.
    // Ascending on purpose: read backwards it is exactly ORDER BY received_at DESC, id DESC (whose
    // nulls come first), which Drizzle's .desc() index (DESC NULLS LAST) cannot serve without a sort.
    index('mail_messages_account_received_idx').on(table.accountId, table.receivedAt, table.id),
    index('mail_messages_folder_received_idx').on(table.folderId, table.receivedAt, table.id),
    // Conversation view: a thread's newest message in a folder, and a thread's size in the account.
    index('mail_messages_folder_thread_idx').on(table.folderId, table.threadId, table.receivedAt, table.id),
    index('mail_messages_account_thread_idx').on(table.accountId, table.threadId),
    index('mail_messages_account_message_id_idx').on(table.accountId, table.messageId),
    index('mail_messages_search_idx').using('gin', table.search),
    // Reprocessing: a folder's messages prepared by older versions, in (versions, uid) order, found
    // by one range scan that starts after the last one handled and costs nothing when none are left.
    index('mail_messages_folder_versions_idx').on(table.folderId, table.sanitizerVersion, table.tokenizerVersion, table.uid),
  ],
);

/**
 * An attachment (or inline part) of an imported message. The importer stores the content of small
 * inline (`cid:`) images only, so HTML bodies show them without a round trip to the mail server;
 * everything else is fetched from IMAP by `part` when first opened and kept here when it is small.
 */
export const mailAttachments = pgTable(
  'mail_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => mailMessages.id, { onDelete: 'cascade' }),
    filename: text('filename'),
    contentType: text('content_type').notNull(),
    /** Decoded size in bytes. */
    size: integer('size').notNull(),
    /** Content-ID without angle brackets, which `cid:` URLs in the HTML refer to. */
    contentId: text('content_id'),
    /** `attachment`, `inline`, or null when the part did not say. */
    disposition: text('disposition'),
    /** Shown inside the HTML body (a `cid:` image) rather than listed as a file. */
    isInline: boolean('is_inline').notNull().default(false),
    /** IMAP body part number (e.g. `2` or `1.2`; `1` of a single-part message is its body), for fetching the content on demand with UID FETCH BODY.PEEK[part]. */
    part: text('part'),
    /**
     * The decoded bytes, when known: small inline images stored at import, and any attachment once it
     * was downloaded, up to 10 MB (lib/mail/attachment-content.ts). Otherwise null: fetched from the
     * server by `part` when opened.
     */
    content: bytea('content'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('mail_attachments_message_idx').on(table.messageId)],
);

/** Import progress for a progress bar: the folder being worked on and how far it got. */
export interface MailImportProgress {
  folder: string;
  done: number;
  total: number;
}

/**
 * The importer's state per account: a lease (so one worker at a time imports an account), when the
 * next pass is due, and how the last ones went.
 */
export const mailAccountSync = pgTable(
  'mail_account_sync',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => mailAccounts.id, { onDelete: 'cascade' }),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** Fencing token: incremented on every acquire; a commit from a holder with an older token is refused. */
    leaseToken: bigint('lease_token', { mode: 'number' }).notNull().default(0),
    lastPassAt: timestamp('last_pass_at', { withTimezone: true }),
    nextPassAt: timestamp('next_pass_at', { withTimezone: true }).notNull().defaultNow(),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastError: text('last_error'),
    /** Null when the account is caught up. */
    progress: jsonb('progress').$type<MailImportProgress>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('mail_account_sync_next_pass_idx').on(table.nextPassAt)],
);

/** Senders whose remote images a user always wants to see ("Always show images from this sender"). Addresses lower-cased. */
export const mailTrustedSenders = pgTable(
  'mail_trusted_senders',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.address] })],
);

/** What a pending write-back does on the server. */
export const mailOperationKind = pgEnum('mail_operation_kind', ['flags', 'move', 'delete']);

/**
 * Changes the user made in the Inbox that are still to be written to the IMAP server (an outbox).
 * The local rows change at once; an operation is applied by the importer under the account's lease,
 * so it never races the sync's cursors, retried with back-off while the server is away, and kept
 * across restarts. One row per message, so a bulk action is one row per message but one IMAP command.
 *
 * The target is the message as the server knows it (folder path, UIDVALIDITY, UID) at the time of
 * the change: a moved message's local row already sits in the destination folder with uid_validity
 * 0 ("not known on the server yet") until the move is applied.
 */
export const mailPendingOperations = pgTable(
  'mail_pending_operations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => mailAccounts.id, { onDelete: 'cascade' }),
    /** The local message; null once its row is gone (deleted for good, or replaced by the sync). */
    messageId: uuid('message_id').references(() => mailMessages.id, { onDelete: 'set null' }),
    kind: mailOperationKind('kind').notNull(),
    folderPath: text('folder_path').notNull(),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    uid: bigint('uid', { mode: 'number' }).notNull(),
    addFlags: text('add_flags').array().notNull().default(sql`'{}'::text[]`),
    removeFlags: text('remove_flags').array().notNull().default(sql`'{}'::text[]`),
    destinationPath: text('destination_path'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /** The server refused it for good (the message or folder is gone); kept as a notice until the user dismisses it. */
    droppedAt: timestamp('dropped_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('mail_pending_operations_account_idx').on(table.accountId, table.createdAt),
    index('mail_pending_operations_message_idx').on(table.messageId),
  ],
);

export const mailAccountsRelations = relations(mailAccounts, ({ many, one }) => ({
  user: one(users, { fields: [mailAccounts.userId], references: [users.id] }),
  folders: many(mailFolders),
  sync: one(mailAccountSync),
}));

export const mailFoldersRelations = relations(mailFolders, ({ one, many }) => ({
  account: one(mailAccounts, { fields: [mailFolders.accountId], references: [mailAccounts.id] }),
  messages: many(mailMessages),
}));

export const mailMessagesRelations = relations(mailMessages, ({ one, many }) => ({
  account: one(mailAccounts, { fields: [mailMessages.accountId], references: [mailAccounts.id] }),
  folder: one(mailFolders, { fields: [mailMessages.folderId], references: [mailFolders.id] }),
  attachments: many(mailAttachments),
}));

export const mailAttachmentsRelations = relations(mailAttachments, ({ one }) => ({
  message: one(mailMessages, { fields: [mailAttachments.messageId], references: [mailMessages.id] }),
}));

export const mailAccountSyncRelations = relations(mailAccountSync, ({ one }) => ({
  account: one(mailAccounts, { fields: [mailAccountSync.accountId], references: [mailAccounts.id] }),
}));

export type MailFolder = typeof mailFolders.$inferSelect;
export type NewMailFolder = typeof mailFolders.$inferInsert;
export type MailFolderSpecialUse = (typeof mailFolderSpecialUse.enumValues)[number];
export type MailMessage = typeof mailMessages.$inferSelect;
export type NewMailMessage = typeof mailMessages.$inferInsert;
export type MailAttachment = typeof mailAttachments.$inferSelect;
export type NewMailAttachment = typeof mailAttachments.$inferInsert;
export type MailAccountSync = typeof mailAccountSync.$inferSelect;
export type MailTrustedSender = typeof mailTrustedSenders.$inferSelect;
export type MailPendingOperation = typeof mailPendingOperations.$inferSelect;
export type MailOperationKind = (typeof mailOperationKind.enumValues)[number];
