import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { loginThrottle } from '@/db/schema';

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** A guesser gets a handful of tries per account, and a few more per client address across accounts. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const CLIENT_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const clientKey = (address: string) => `client:${address}`;

/** When any of the keys is locked, the time the lock ends; otherwise null. */
export async function lockedUntil(db: Database, keys: string[], now = new Date()): Promise<Date | null> {
  let latest: Date | null = null;
  for (const key of keys) {
    const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil > now && (!latest || row.lockedUntil > latest)) latest = row.lockedUntil;
  }
  return latest;
}

/** Counts one failure against the key in a single statement, so concurrent failures all count. */
export async function recordFailure(db: Database, key: string, policy: ThrottlePolicy, now = new Date()): Promise<void> {
  const lockEnd = new Date(now.getTime() + policy.lockMs);
  // Raw SQL parameters bypass drizzle's column mapping, so timestamps go in as ISO text with a cast.
  const nowParam = sql`${now.toISOString()}::timestamptz`;
  const windowStart = sql`${new Date(now.getTime() - policy.windowMs).toISOString()}::timestamptz`;
  const lockEndParam = sql`${lockEnd.toISOString()}::timestamptz`;
  await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: policy.maxFailures <= 1 ? lockEnd : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then ${nowParam} else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case
          when (case when ${loginThrottle.windowStartedAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end) >= ${policy.maxFailures}
          then ${lockEndParam} else ${loginThrottle.lockedUntil} end`,
      },
    });
}

export async function clearFailures(db: Database, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
