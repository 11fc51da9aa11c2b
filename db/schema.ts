import { relations } from 'drizzle-orm';
import { boolean, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['admin', 'member']);
export const locale = pgEnum('locale', ['en', 'sv']);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Always stored lower-cased, so look-ups and the unique index ignore case. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: userRole('role').notNull().default('member'),
  isActive: boolean('is_active').notNull().default(true),
  /** The UI language the user chose; null follows the browser's Accept-Language. */
  locale: locale('locale'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Failed sign-in counters, one row per throttled key (`account:<email>` or `client:<address>`).
 * Kept in the database so every app instance sees the same counts.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/** How e-mail addresses shown in the CRM open: the in-app composer, or the system's mailto: handler. */
export const emailClient = pgEnum('email_client', ['crm', 'mailto']);

/** Per-user choices from Settings → E-mail options and Local settings. One row per user, made on first save. */
export const userPreferences = pgTable('user_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Null until the user has answered the first-sign-in question. */
  emailClient: emailClient('email_client'),
  showRemoteImages: boolean('show_remote_images').notNull().default(false),
  markAsReadInPreview: boolean('mark_as_read_in_preview').notNull().default(false),
  signature: text('signature').notNull().default(''),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const mailTls = pgEnum('mail_tls', ['implicit', 'starttls', 'none']);
export const mailSettingsSource = pgEnum('mail_settings_source', ['builtin', 'autoconfig', 'well-known', 'srv', 'mx', 'guess', 'manual']);
export const mailAccountStatus = pgEnum('mail_account_status', ['ok', 'auth_failed', 'error']);

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
  imapPasswordEncrypted: text('imap_password_encrypted').notNull(),
  smtpHost: text('smtp_host').notNull(),
  smtpPort: integer('smtp_port').notNull(),
  smtpTls: mailTls('smtp_tls').notNull(),
  smtpUsername: text('smtp_username').notNull(),
  smtpPasswordEncrypted: text('smtp_password_encrypted').notNull(),
  settingsSource: mailSettingsSource('settings_source').notNull(),
  status: mailAccountStatus('status').notNull().default('ok'),
  lastError: text('last_error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const usersRelations = relations(users, ({ one }) => ({
  preferences: one(userPreferences),
  mailAccount: one(mailAccounts),
}));

export const userPreferencesRelations = relations(userPreferences, ({ one }) => ({
  user: one(users, { fields: [userPreferences.userId], references: [users.id] }),
}));

export const mailAccountsRelations = relations(mailAccounts, ({ one }) => ({
  user: one(users, { fields: [mailAccounts.userId], references: [users.id] }),
}));

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserRole = (typeof userRole.enumValues)[number];
export type Locale = (typeof locale.enumValues)[number];
export type UserPreferences = typeof userPreferences.$inferSelect;
export type EmailClient = (typeof emailClient.enumValues)[number];
export type MailAccount = typeof mailAccounts.$inferSelect;
export type NewMailAccount = typeof mailAccounts.$inferInsert;
export type MailTls = (typeof mailTls.enumValues)[number];
