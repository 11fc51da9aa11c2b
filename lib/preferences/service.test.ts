import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type DatabaseHandle } from '@/db/client';
import { users } from '@/db/schema';
import { DEFAULT_PREFERENCES, getPreferences, updatePreferences } from './service';

// The in-memory embedded database: the same migrations and SQL as production, no server needed.
let handle: DatabaseHandle;
let ann: string;
let bo: string;

beforeAll(async () => {
  handle = await openEmbedded();
  const rows = await handle.db
    .insert(users)
    .values([
      { email: 'ann@example.test', name: 'Ann', passwordHash: 'not used here' },
      { email: 'bo@example.test', name: 'Bo', passwordHash: 'not used here' },
    ])
    .returning({ id: users.id });
  [ann, bo] = rows.map((row) => row.id) as [string, string];
}, 60_000);
afterAll(async () => {
  await handle?.close();
});

describe('preferences', () => {
  it('are the defaults before anything is saved', async () => {
    expect(await getPreferences(handle.db, ann)).toEqual(DEFAULT_PREFERENCES);
  });

  it('save only what is given, keep the rest, and belong to one user', async () => {
    await updatePreferences(handle.db, ann, { emailClient: 'mailto' });
    await updatePreferences(handle.db, ann, { signature: 'Ann\nExample AB', markAsReadInPreview: true });
    const saved = await updatePreferences(handle.db, ann, { showRemoteImages: false });

    const expected = { emailClient: 'mailto', showRemoteImages: false, markAsReadInPreview: true, signature: 'Ann\nExample AB' };
    expect(saved).toEqual(expected);
    expect(await getPreferences(handle.db, ann)).toEqual(expected);
    expect(await getPreferences(handle.db, bo)).toEqual(DEFAULT_PREFERENCES);
  });
});
