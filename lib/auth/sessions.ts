import crypto from 'node:crypto';
import { and, eq, gt, lt, ne } from 'drizzle-orm';
import type { Database } from '@/db';
import { users, userSessions, type User } from '@/db/schema';

/** How long a session may go unused before it is no longer accepted (the cookie's own lifetime). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** last_seen_at is written at most this often, so an ordinary page view costs one read, not a write. */
const TOUCH_INTERVAL_MS = 60 * 60_000;

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Starts a server-side session for a user who just proved their password; the id goes into the cookie. */
export async function createUserSession(db: Database, userId: string, now = new Date()): Promise<string> {
  const id = crypto.randomBytes(32).toString('base64url');
  await db.insert(userSessions).values({ id, userId, createdAt: now, lastSeenAt: now });
  // Housekeeping: the user's sessions that nobody can use any more.
  const oldestAccepted = new Date(now.getTime() - SESSION_MAX_AGE_SECONDS * 1000);
  await db.delete(userSessions).where(and(eq(userSessions.userId, userId), lt(userSessions.lastSeenAt, oldestAccepted)));
  return id;
}

/**
 * The active user behind a session id, or undefined when the session was ended (signed out,
 * revoked, expired) or its user deactivated. Every page, action and route goes through this.
 */
export async function findSessionUser(db: Database, sessionId: unknown, now = new Date()): Promise<User | undefined> {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return undefined;
  const oldestAccepted = new Date(now.getTime() - SESSION_MAX_AGE_SECONDS * 1000);
  const [row] = await db
    .select({ user: users, lastSeenAt: userSessions.lastSeenAt })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, sessionId), gt(userSessions.lastSeenAt, oldestAccepted), eq(users.isActive, true)));
  if (!row) return undefined;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(userSessions).set({ lastSeenAt: now }).where(eq(userSessions.id, sessionId));
  }
  return row.user;
}

/** Sign-out: this one session ends, for every later request. */
export async function endUserSession(db: Database, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return;
  await db.delete(userSessions).where(eq(userSessions.id, sessionId));
}

/**
 * Deactivation, a password change, "sign out everywhere": every session of the user ends, except
 * `keep` when given (the browser that changed the password stays signed in).
 */
export async function endAllUserSessions(db: Database, userId: string, options: { keep?: string | null } = {}): Promise<number> {
  const mine = eq(userSessions.userId, userId);
  const ended = await db
    .delete(userSessions)
    .where(options.keep ? and(mine, ne(userSessions.id, options.keep)) : mine)
    .returning({ id: userSessions.id });
  return ended.length;
}
