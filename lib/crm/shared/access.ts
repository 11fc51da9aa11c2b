import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { users } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';

/** Who is asking: every CRM query takes the viewer, so nothing is read or written for a deactivated user. */
export interface Viewer {
  id: string;
}

/** A transaction of the app's database. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Anything that runs queries: the database or a transaction of it. */
export type Queryable = Database | Transaction;

/**
 * Refuses a viewer that is unknown or deactivated, checked in the database at the moment of the
 * query (not from a session that may be older than the deactivation). Records are shared by the
 * whole team, so an active user may reach any record; a deactivated one reaches none.
 */
export async function assertActiveViewer(db: Queryable, viewer: Viewer): Promise<void> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, viewer.id), eq(users.isActive, true)))
    .limit(1);
  if (!row) throw new UserFacingError('notSignedIn');
}

/** A record that is not there (or was never there): the same answer either way, so ids cannot be probed. */
export class RecordNotFoundError extends UserFacingError {
  constructor() {
    super('crm.notFound');
  }
}

/** Someone saved the record after this edit was opened. */
export class VersionConflictError extends UserFacingError {
  constructor() {
    super('crm.versionConflict');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A guessed or malformed id is treated as "not found" before it reaches Postgres (which would throw on it). */
export function isRecordId(value: string): boolean {
  return UUID.test(value);
}
