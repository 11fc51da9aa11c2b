import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { createUserSession, endAllUserSessions, endUserSession, findSessionUser, SESSION_MAX_AGE_SECONDS } from '@/lib/auth/sessions';
import { changePassword, createUser, setUserActive } from '@/lib/users/service';
import { describeOnEachDatabase } from '../harness/databases';

describeOnEachDatabase('server-side sessions', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  const newUser = (email: string) => createUser(handle.db, { name: email, email, password: 'first password 1', role: 'member' });

  it('accepts a session until it is signed out, and only that one', async () => {
    const user = await newUser('signout@example.test');
    const [phone, laptop] = [await createUserSession(handle.db, user.id), await createUserSession(handle.db, user.id)];
    expect((await findSessionUser(handle.db, phone))?.id).toBe(user.id);
    await endUserSession(handle.db, phone);
    expect(await findSessionUser(handle.db, phone)).toBeUndefined();
    expect((await findSessionUser(handle.db, laptop))?.id).toBe(user.id);
  });

  it('refuses ids that were never issued, whatever their shape', async () => {
    for (const id of [undefined, '', 'x'.repeat(43), '-'.repeat(43), 'a'.repeat(500), 42]) {
      expect(await findSessionUser(handle.db, id)).toBeUndefined();
    }
  });

  it('ends every session of a deactivated user', async () => {
    const admin = await createUser(handle.db, { name: 'Admin', email: 'admin-sessions@example.test', password: 'admin password 1', role: 'admin' });
    const user = await newUser('deactivated@example.test');
    const session = await createUserSession(handle.db, user.id);
    await setUserActive(handle.db, admin, user.id, false);
    expect(await findSessionUser(handle.db, session)).toBeUndefined();
    // Reactivating does not bring an old session back.
    await setUserActive(handle.db, admin, user.id, true);
    expect(await findSessionUser(handle.db, session)).toBeUndefined();
  });

  it('ends every other session when the password changes, and none when the current password is wrong', async () => {
    const user = await newUser('changer@example.test');
    const session = await createUserSession(handle.db, user.id);
    const changer = await createUserSession(handle.db, user.id);
    await expect(changePassword(handle.db, user.id, { currentPassword: 'not it at all', newPassword: 'second password 2' })).rejects.toMatchObject({
      messageKey: 'currentPasswordWrong',
    });
    expect((await findSessionUser(handle.db, session))?.id).toBe(user.id);
    await changePassword(handle.db, user.id, { currentPassword: 'first password 1', newPassword: 'second password 2' }, changer);
    expect(await findSessionUser(handle.db, session)).toBeUndefined();
    expect((await findSessionUser(handle.db, changer))?.id).toBe(user.id);
    // Without a session to keep (a shell, an admin tool) every session ends.
    await changePassword(handle.db, user.id, { currentPassword: 'second password 2', newPassword: 'third password 3' });
    expect(await findSessionUser(handle.db, changer)).toBeUndefined();
  });

  it('signs out everywhere', async () => {
    const user = await newUser('everywhere@example.test');
    const sessions = [await createUserSession(handle.db, user.id), await createUserSession(handle.db, user.id)];
    expect(await endAllUserSessions(handle.db, user.id)).toBe(2);
    for (const session of sessions) expect(await findSessionUser(handle.db, session)).toBeUndefined();
  });

  it('stops accepting a session left unused for its lifetime, and keeps a used one alive', async () => {
    const user = await newUser('idle@example.test');
    const start = new Date('2030-01-01T00:00:00Z');
    const idle = await createUserSession(handle.db, user.id, start);
    const used = await createUserSession(handle.db, user.id, start);
    const halfway = new Date(start.getTime() + (SESSION_MAX_AGE_SECONDS / 2) * 1000);
    expect(await findSessionUser(handle.db, used, halfway)).toBeDefined();
    const later = new Date(start.getTime() + (SESSION_MAX_AGE_SECONDS + 60) * 1000);
    expect(await findSessionUser(handle.db, idle, later)).toBeUndefined();
    expect(await findSessionUser(handle.db, used, later)).toBeDefined();
  });
});
