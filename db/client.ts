import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

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
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max: options.max ?? 10, connect_timeout: 5, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Database;
  if (options.migrate) {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const reserved = await client.reserve();
    try {
      await reserved`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
      await migrate(drizzle(reserved, { schema }), { migrationsFolder });
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      reserved.release();
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
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    kind: 'embedded',
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
