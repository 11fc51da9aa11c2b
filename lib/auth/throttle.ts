import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { loginThrottle } from '@/db/schema';

/**
 * Failed sign-ins slow down whoever makes them. After `freeFailures` in a run, each further failure
 * doubles the wait before the next try (from `baseDelayMs` up to `maxDelayMs`); a run is forgotten
 * `resetAfterMs` after it started, or, for an account and client pair, at the next success.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  resetAfterMs: number;
}

/**
 * Per account *and* client address: a guesser slows only themselves down, so the owner signing in
 * from their usual client is never locked out by someone who merely knows their address.
 */
export const PAIR_POLICY: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, resetAfterMs: 24 * 60 * 60_000 };
/** Per client address across accounts: one client trying many accounts slows down too. */
export const CLIENT_POLICY: ThrottlePolicy = { freeFailures: 20, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, resetAfterMs: 24 * 60 * 60_000 };

const normalizedEmail = (email: string) => email.trim().toLowerCase();
export const pairKey = (email: string, clientAddress: string) => `pair:${normalizedEmail(email)}|${clientAddress}`;
export const clientKey = (address: string) => `client:${address}`;

/** How long the next try must wait after `failures` failures in a run. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - policy.freeFailures));
}

/** When any of the keys is waiting, the time the wait ends; otherwise null. */
export async function lockedUntil(db: Database, keys: string[], now = new Date()): Promise<Date | null> {
  if (keys.length === 0) return null;
  const rows = await db.select({ lockedUntil: loginThrottle.lockedUntil }).from(loginThrottle).where(inArray(loginThrottle.key, keys));
  let latest: Date | null = null;
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil > now && (!latest || row.lockedUntil > latest)) latest = row.lockedUntil;
  }
  return latest;
}

/**
 * Counts one failure against the key in a single statement, so concurrent failures all count, then
 * sets the wait that count earns (never shortening a longer wait another request already set).
 */
export async function recordFailure(db: Database, key: string, policy: ThrottlePolicy, now = new Date()): Promise<number> {
  // Raw SQL parameters bypass drizzle's column mapping, so timestamps go in as ISO text with a cast.
  const nowParam = sql`${now.toISOString()}::timestamptz`;
  const runExpired = sql`${loginThrottle.windowStartedAt} < ${new Date(now.getTime() - policy.resetAfterMs).toISOString()}::timestamptz`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${runExpired} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${runExpired} then ${nowParam} else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${runExpired} then null else ${loginThrottle.lockedUntil} end`,
      },
    })
    .returning({ failures: loginThrottle.failures });
  const failures = row?.failures ?? 1;
  const delay = delayAfter(failures, policy);
  if (delay > 0) {
    const until = sql`${new Date(now.getTime() + delay).toISOString()}::timestamptz`;
    await db
      .update(loginThrottle)
      .set({ lockedUntil: sql`greatest(coalesce(${loginThrottle.lockedUntil}, ${until}), ${until})` })
      .where(eq(loginThrottle.key, key));
  }
  return failures;
}

export async function clearFailures(db: Database, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
