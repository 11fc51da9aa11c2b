import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { checkCredentials } from '@/lib/auth/credentials';
import { ACCOUNT_POLICY, CLIENT_POLICY } from '@/lib/auth/throttle';
import { UserFacingError } from '@/lib/actions/errors';
import { countUsers, createFirstAdmin, createUser, findUserByEmail, setUserActive } from '@/lib/users/service';
import { describeOnEachDatabase } from '../harness/databases';

describeOnEachDatabase('users and sign-in', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('creates exactly one first admin when two people race for it', async () => {
    const attempts = await Promise.allSettled([
      createFirstAdmin(handle.db, { name: 'First', email: 'first@example.test', password: 'first password 1' }),
      createFirstAdmin(handle.db, { name: 'Second', email: 'second@example.test', password: 'second password 2' }),
    ]);
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    const rejected = attempts.find((attempt) => attempt.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(UserFacingError);
    expect(await countUsers(handle.db)).toBe(1);
  });

  it('refuses a second user with the same address in another case', async () => {
    await createUser(handle.db, { name: 'Bo', email: 'bo@example.test', password: 'bo password 12', role: 'member' });
    await expect(
      createUser(handle.db, { name: 'Bo again', email: ' BO@Example.test ', password: 'bo password 12', role: 'member' }),
    ).rejects.toMatchObject({ messageKey: 'users.emailTaken' });
  });

  it('stores an argon2id hash, never the password', async () => {
    const user = await findUserByEmail(handle.db, 'bo@example.test');
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user?.passwordHash).not.toContain('bo password 12');
  });

  it('signs in with the right password, whatever the case of the address', async () => {
    const outcome = await checkCredentials(handle.db, { email: 'Bo@Example.Test', password: 'bo password 12', clientAddress: '203.0.113.1' });
    expect(outcome).toMatchObject({ ok: true, user: { email: 'bo@example.test' } });
  });

  it('answers a wrong password and an unknown address the same way', async () => {
    const wrongPassword = await checkCredentials(handle.db, { email: 'bo@example.test', password: 'nope', clientAddress: '203.0.113.2' });
    const unknownUser = await checkCredentials(handle.db, { email: 'ghost@example.test', password: 'nope', clientAddress: '203.0.113.2' });
    expect(wrongPassword).toEqual({ ok: false, reason: 'invalid' });
    expect(unknownUser).toEqual(wrongPassword);
  });

  it('locks an account after repeated failures, even for the right password, then lets it in after the lock', async () => {
    await createUser(handle.db, { name: 'Cy', email: 'cy@example.test', password: 'cy password 12', role: 'member' });
    const start = new Date('2030-01-01T10:00:00Z');
    for (let attempt = 0; attempt < ACCOUNT_POLICY.maxFailures; attempt++) {
      // A different client address each time: the account lock must not depend on it.
      const outcome = await checkCredentials(handle.db, { email: 'cy@example.test', password: `guess ${attempt}`, clientAddress: `198.51.100.${attempt}` }, start);
      expect(outcome).toEqual({ ok: false, reason: 'invalid' });
    }
    const locked = await checkCredentials(handle.db, { email: 'cy@example.test', password: 'cy password 12', clientAddress: '198.51.100.99' }, start);
    expect(locked).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 15 });

    const afterLock = new Date(start.getTime() + ACCOUNT_POLICY.lockMs + 1000);
    const outcome = await checkCredentials(handle.db, { email: 'cy@example.test', password: 'cy password 12', clientAddress: '198.51.100.99' }, afterLock);
    expect(outcome.ok).toBe(true);
  });

  it('locks a client address that guesses across many accounts', async () => {
    const now = new Date('2031-01-01T10:00:00Z');
    for (let attempt = 0; attempt < CLIENT_POLICY.maxFailures; attempt++) {
      await checkCredentials(handle.db, { email: `victim${attempt}@example.test`, password: 'x', clientAddress: '192.0.2.66' }, now);
    }
    const outcome = await checkCredentials(handle.db, { email: 'bo@example.test', password: 'bo password 12', clientAddress: '192.0.2.66' }, now);
    expect(outcome).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('refuses a deactivated user, and an admin cannot deactivate themselves', async () => {
    const admin = (await findUserByEmail(handle.db, 'first@example.test')) ?? (await findUserByEmail(handle.db, 'second@example.test'));
    const bo = await findUserByEmail(handle.db, 'bo@example.test');
    await setUserActive(handle.db, admin!, bo!.id, false);
    const outcome = await checkCredentials(handle.db, { email: 'bo@example.test', password: 'bo password 12', clientAddress: '203.0.113.9' });
    expect(outcome).toEqual({ ok: false, reason: 'invalid' });
    await expect(setUserActive(handle.db, admin!, admin!.id, false)).rejects.toMatchObject({ messageKey: 'users.cannotDeactivateSelf' });
  });
});
