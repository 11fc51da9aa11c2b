import { relations } from 'drizzle-orm';
import { boolean, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';

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

export const userPreferencesRelations = relations(userPreferences, ({ one }) => ({
  user: one(users, { fields: [userPreferences.userId], references: [users.id] }),
}));

export type UserPreferences = typeof userPreferences.$inferSelect;
export type EmailClient = (typeof emailClient.enumValues)[number];
