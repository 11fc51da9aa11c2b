import type { Database } from '@/db';
import type { User } from '@/db/schema';
import { verifyAgainstDummy, verifyPassword } from './password';
import { ACCOUNT_POLICY, CLIENT_POLICY, accountKey, clearFailures, clientKey, lockedUntil, recordFailure } from './throttle';
import { findUserByEmail } from '@/lib/users/service';

export type SignInOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/**
 * Checks an e-mail and password. Unknown address, wrong password and deactivated user all give
 * the same 'invalid' answer in the same time, so the answer never tells whether an address exists.
 */
export async function checkCredentials(
  db: Database,
  input: { email: string; password: string; clientAddress: string },
  now = new Date(),
): Promise<SignInOutcome> {
  const keys = [accountKey(input.email), clientKey(input.clientAddress)];
  const locked = await lockedUntil(db, keys, now);
  if (locked) {
    return { ok: false, reason: 'throttled', retryAfterMinutes: Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 60_000)) };
  }

  const user = await findUserByEmail(db, input.email);
  const passwordMatches = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (user && passwordMatches && user.isActive) {
    await clearFailures(db, keys[0]!);
    return { ok: true, user };
  }

  await recordFailure(db, keys[0]!, ACCOUNT_POLICY, now);
  await recordFailure(db, keys[1]!, CLIENT_POLICY, now);
  return { ok: false, reason: 'invalid' };
}

/** The client's address as the nearest proxy reports it; only used to group failed sign-ins. */
export function clientAddressFrom(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip')?.trim() || 'unknown';
}
