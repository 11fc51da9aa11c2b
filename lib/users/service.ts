import { asc, count, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { users, type Locale, type User, type UserRole } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { endAllUserSessions } from '@/lib/auth/sessions';
import { UserFacingError } from '@/lib/actions/errors';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ value: count() }).from(users);
  return row?.value ?? 0;
}

export async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.email, normalizeEmail(email)));
  return user;
}

export async function findUserById(db: Database, id: string): Promise<User | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

export async function listUsers(db: Database): Promise<User[]> {
  return db.select().from(users).orderBy(asc(users.name), asc(users.email));
}

export interface NewUserInput {
  email: string;
  name: string;
  password: string;
  role: UserRole;
}

/** Creates a user; `UserFacingError('users.emailTaken')` when the address is already in use. */
export async function createUser(db: Database, input: NewUserInput): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const [user] = await db
    .insert(users)
    .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: input.role })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!user) throw new UserFacingError('users.emailTaken');
  return user;
}

// Any fixed number: it only has to be the same in every instance that might race to create the first admin.
const FIRST_ADMIN_LOCK_ID = 727_002;

/**
 * Creates the first admin, only while there are no users at all. Two people opening the first-run page
 * at once must not both become admins, so the check and the insert run under one transaction-scoped lock.
 */
export async function createFirstAdmin(db: Database, input: Omit<NewUserInput, 'role'>): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK_ID})`);
    const [existing] = await tx.select({ value: count() }).from(users);
    if ((existing?.value ?? 0) > 0) throw new UserFacingError('setup.alreadyDone');
    const [user] = await tx
      .insert(users)
      .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: 'admin' })
      .returning();
    if (!user) throw new Error('insert returned no row');
    return user;
  });
}

export async function setUserActive(db: Database, actor: User, userId: string, isActive: boolean): Promise<void> {
  if (actor.id === userId && !isActive) throw new UserFacingError('users.cannotDeactivateSelf');
  const result = await db
    .update(users)
    .set({ isActive, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (result.length === 0) throw new UserFacingError('users.notFound');
  // A deactivated user's open sessions end now, not when their cookies expire.
  if (!isActive) await endAllUserSessions(db, userId);
}

/**
 * Replaces a user's password after checking the current one, and ends every other session they
 * have: a password is changed because someone else might know it, so no session opened elsewhere
 * with the old one survives. `keepSessionId` is the session that just proved the current password.
 */
export async function changePassword(
  db: Database,
  userId: string,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string | null = null,
): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new UserFacingError('currentPasswordWrong', {}, 'currentPassword');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
  await endAllUserSessions(db, userId, { keep: keepSessionId });
}

export async function setUserLocale(db: Database, userId: string, value: Locale | null): Promise<void> {
  await db.update(users).set({ locale: value, updatedAt: new Date() }).where(eq(users.id, userId));
}
