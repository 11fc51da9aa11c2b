import path from 'node:path';
import { env } from '@/lib/env';
import { openEmbedded, openPostgres, type Database, type DatabaseHandle } from './client';

export type { Database } from './client';

// Kept on globalThis so that dev-server reloads and separately bundled routes share one client
// (PGlite in particular must not open the same data dir twice).
const globalForDb = globalThis as unknown as { crmDatabase?: Promise<DatabaseHandle> };

/** The app's one database: real Postgres when DATABASE_URL is set, the embedded PGlite otherwise. */
export function getDatabaseHandle(): Promise<DatabaseHandle> {
  if (!globalForDb.crmDatabase) {
    const { databaseUrl, dataDir } = env();
    const opening = databaseUrl ? openPostgres(databaseUrl) : openEmbedded(path.resolve(dataDir, 'pglite'));
    globalForDb.crmDatabase = opening.catch((error: unknown) => {
      globalForDb.crmDatabase = undefined;
      throw error;
    });
  }
  return globalForDb.crmDatabase;
}

export async function getDb(): Promise<Database> {
  return (await getDatabaseHandle()).db;
}
