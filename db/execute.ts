import type { SQL } from 'drizzle-orm';
import type { Database } from './client';

/** What both drivers' execute() can run on: the database or a transaction of it. */
type Executor = Pick<Database, 'execute'>;

/**
 * Rows of a raw statement. postgres.js answers db.execute() with the rows themselves, PGlite with
 * `{ rows }`; code that writes raw SQL (bulk statements the query builder would make slow) reads
 * its answer through here.
 */
export async function executeRows<Row extends Record<string, unknown>>(executor: Executor, query: SQL): Promise<Row[]> {
  const result: unknown = await executor.execute(query);
  if (Array.isArray(result)) return result as Row[];
  const rows = (result as { rows?: unknown }).rows;
  if (Array.isArray(rows)) return rows as Row[];
  throw new Error('the database driver returned no rows array');
}
