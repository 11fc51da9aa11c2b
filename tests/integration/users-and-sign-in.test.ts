import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { checkCredentials } from '@/lib/auth/credentials';
import { CLIENT_POLICY, PAIR_POLICY, delayAfter } from '@/lib/auth/throttle';
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

  it("slows the guesser, not the owner: others' failures never lock out the right password from the owner's client", async () => {
    await createUser(handle.db, { name: 'Cy', email: 'cy@example.test', password: 'cy password 12', role: 'member' });
    const start = new Date('2030-01-01T10:00:00Z');
    // Many guessers, each a few wrong passwords: more than enough to have locked the account before.
    for (let guesser = 0; guesser < 4; guesser++) {
      for (let attempt = 0; attempt < PAIR_POLICY.freeFailures; attempt++) {
        const outcome = await checkCredentials(handle.db, { email: 'cy@example.test', password: `guess ${attempt}`, clientAddress: `198.51.100.${guesser}` }, start);
        expect(outcome).toEqual({ ok: false, reason: 'invalid' });
      }
    }
    const owner = await checkCredentials(handle.db, { email: 'cy@example.test', password: 'cy password 12', clientAddress: '203.0.113.50' }, start);
    expect(owner.ok).toBe(true);

    // The guesser itself waits, even with the right password, and the waits grow.
    const guesser = { email: 'cy@example.test', clientAddress: '198.51.100.0' };
    expect(await checkCredentials(handle.db, { ...guesser, password: 'cy password 12' }, start)).toEqual({ ok: false, reason: 'throttled', retryAfterMinutes: 1 });
    let now = new Date(start.getTime() + delayAfter(PAIR_POLICY.freeFailures, PAIR_POLICY) + 1000);
    expect(await checkCredentials(handle.db, { ...guesser, password: 'another guess' }, now)).toEqual({ ok: false, reason: 'invalid' });
    const secondWait = delayAfter(PAIR_POLICY.freeFailures + 1, PAIR_POLICY);
    expect(secondWait).toBeGreaterThan(delayAfter(PAIR_POLICY.freeFailures, PAIR_POLICY));
    expect(await checkCredentials(handle.db, { ...guesser, password: 'cy password 12' }, new Date(now.getTime() + secondWait - 5000))).toMatchObject({ reason: 'throttled' });
    now = new Date(now.getTime() + secondWait + 1000);
    expect((await checkCredentials(handle.db, { ...guesser, password: 'cy password 12' }, now)).ok).toBe(true);
  });

  it('answers an unknown address exactly like a wrong password, throttled or not', async () => {
    const now = new Date('2030-06-01T10:00:00Z');
    const answers = [];
    for (const email of ['bo@example.test', 'ghost@example.test']) {
      const seen = [];
      for (let attempt = 0; attempt <= PAIR_POLICY.freeFailures; attempt++) {
        seen.push(await checkCredentials(handle.db, { email, password: `wrong ${attempt}`, clientAddress: `192.0.2.${email.length}` }, now));
      }
      answers.push(seen);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.at(-1)).toMatchObject({ reason: 'throttled' });
  });

  it('slows down a client address that guesses across many accounts', async () => {
    const now = new Date('2031-01-01T10:00:00Z');
    for (let attempt = 0; attempt < CLIENT_POLICY.freeFailures; attempt++) {
      await checkCredentials(handle.db, { email: `victim${attempt}@example.test`, password: 'x', clientAddress: '192.0.2.66' }, now);
    }
    const outcome = await checkCredentials(handle.db, { email: 'bo@example.test', password: 'bo password 12', clientAddress: '192.0.2.66' }, now);
    expect(outcome).toMatchObject({ ok: false, reason: 'throttled' });
    // The same account from another client is not affected.
    expect((await checkCredentials(handle.db, { email: 'bo@example.test', password: 'bo password 12', clientAddress: '192.0.2.67' }, now)).ok).toBe(true);
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
