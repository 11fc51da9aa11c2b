import { relations } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { mailAccounts } from './mail';
import { userPreferences } from './preferences';

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
 * Failed sign-in counters, one row per throttled key (`pair:<email>|<client address>` or
 * `client:<address>`; see lib/auth/throttle.ts): the run's failures, when the run started, and until
 * when the next try must wait. Kept in the database so every app instance sees the same counts.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/**
 * One row per signed-in browser. The session cookie (a JWT: the credentials provider requires it)
 * carries only this row's random id; every request looks the row up, so deleting it ends that
 * session at once (sign-out), and deleting a user's rows ends all of theirs (deactivation, a
 * password change, "sign out everywhere").
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Refreshed at most hourly; a session unused for the cookie's lifetime is no longer accepted. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('user_sessions_user_id_idx').on(table.userId)],
);

export const usersRelations = relations(users, ({ one }) => ({
  preferences: one(userPreferences),
  mailAccount: one(mailAccounts),
}));

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserSession = typeof userSessions.$inferSelect;
export type UserRole = (typeof userRole.enumValues)[number];
export type Locale = (typeof locale.enumValues)[number];
