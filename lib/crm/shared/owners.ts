import { asc, eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { assertActiveViewer, type Queryable, type Viewer } from './access';

/** The users a record can be given to: the active ones, by name. */
export async function listOwnerChoices(db: Queryable, viewer: Viewer): Promise<{ id: string; name: string; email: string }[]> {
  await assertActiveViewer(db, viewer);
  return db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.isActive, true)).orderBy(asc(users.name));
}
