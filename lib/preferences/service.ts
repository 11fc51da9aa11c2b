import { eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { userPreferences, type UserPreferences } from '@/db/schema';

/** The user's choices, without the bookkeeping columns. */
export type Preferences = Pick<UserPreferences, 'emailClient' | 'showRemoteImages' | 'markAsReadInPreview' | 'signature'>;

/** What a user who never saved anything gets; the same as the column defaults. */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  emailClient: null,
  showRemoteImages: false,
  markAsReadInPreview: false,
  signature: '',
});

/** Long enough for any real signature, short enough that it cannot bloat every message sent. */
export const MAX_SIGNATURE_LENGTH = 10_000;

function pickPreferences(row: UserPreferences): Preferences {
  return {
    emailClient: row.emailClient,
    showRemoteImages: row.showRemoteImages,
    markAsReadInPreview: row.markAsReadInPreview,
    signature: row.signature,
  };
}

/** The user's preferences; the defaults while they have no row yet (rows are made on first save). */
export async function getPreferences(db: Database, userId: string): Promise<Preferences> {
  const [row] = await db.select().from(userPreferences).where(eq(userPreferences.userId, userId));
  return row ? pickPreferences(row) : { ...DEFAULT_PREFERENCES };
}

/** Saves the given preferences and leaves the others as they are; creates the row on first save. */
export async function updatePreferences(db: Database, userId: string, changes: Partial<Preferences>): Promise<Preferences> {
  const columns = { ...changes, updatedAt: new Date() };
  const [row] = await db
    .insert(userPreferences)
    .values({ userId, ...columns })
    .onConflictDoUpdate({ target: userPreferences.userId, set: columns })
    .returning();
  if (!row) throw new Error('saving preferences returned no row');
  return pickPreferences(row);
}
