import type { Database } from '@/db';
import type { User } from '@/db/schema';
import { verifyAgainstDummy, verifyPassword } from './password';
import { CLIENT_POLICY, PAIR_POLICY, clearFailures, clientKey, lockedUntil, pairKey, recordFailure } from './throttle';
import { findUserByEmail } from '@/lib/users/service';

export type SignInOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number };

/**
 * Checks an e-mail and password. Unknown address, wrong password and deactivated user all give
 * the same 'invalid' answer in the same time, so the answer never tells whether an address exists.
 * Failures slow down the account-and-client pair that made them (and a client trying many
 * accounts), never the account as a whole: the owner's right password from their own client works
 * however many wrong ones others sent.
 */
export async function checkCredentials(
  db: Database,
  input: { email: string; password: string; clientAddress: string },
  now = new Date(),
): Promise<SignInOutcome> {
  const pair = pairKey(input.email, input.clientAddress);
  // Requests whose address is unknown would all share one client counter: one guesser would slow everyone.
  const client = input.clientAddress === 'unknown' ? null : clientKey(input.clientAddress);
  const locked = await lockedUntil(db, client ? [pair, client] : [pair], now);
  if (locked) {
    return { ok: false, reason: 'throttled', retryAfterMinutes: Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 60_000)) };
  }

  const user = await findUserByEmail(db, input.email);
  const passwordMatches = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (user && passwordMatches && user.isActive) {
    await clearFailures(db, pair);
    return { ok: true, user };
  }

  await recordFailure(db, pair, PAIR_POLICY, now);
  if (client) await recordFailure(db, client, CLIENT_POLICY, now);
  return { ok: false, reason: 'invalid' };
}
