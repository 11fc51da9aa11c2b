import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';
// Side effect: failed statements never print their parameters (see the file).
import './query-errors';

/** The drizzle surface shared by the Postgres and the PGlite drivers: code takes this, never a driver type. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'embedded';
  /** Runs a trivial query; throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

/** Serialises migrations across app instances that start at the same moment. */
const MIGRATION_LOCK_ID = 727_001;

export async function openPostgres(url: string, options: { migrate?: boolean; max?: number } = {}): Promise<DatabaseHandle> {
  const client = postgres(url, { max: options.max ?? 10, connect_timeout: 5, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  if (options.migrate) {
    // One dedicated connection, so the session-level advisory lock and the migration share it.
    const migrationClient = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
      await migratePostgres(drizzlePostgres(migrationClient, { schema }), { migrationsFolder });
    } finally {
      await migrationClient.end({ timeout: 5 });
    }
  }
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await client`select 1`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * The embedded database: PGlite (Postgres compiled to WASM) in `dataDir`, or in memory when
 * `dataDir` is omitted. It migrates itself, because nobody runs `db:migrate` against it.
 */
export async function openEmbedded(dataDir?: string): Promise<DatabaseHandle> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    kind: 'embedded',
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
