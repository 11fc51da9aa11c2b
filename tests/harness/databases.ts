import crypto from 'node:crypto';
import { describe, inject } from 'vitest';
import { openEmbedded, openPostgres, type DatabaseHandle } from '@/db/client';

/** The URL of a new, empty database on the suite's real Postgres cluster. */
export async function emptyPostgresDatabase(): Promise<string> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(inject('postgresAdminUrl'), { max: 1, onnotice: () => {} });
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, migrated database on the suite's real Postgres cluster, and its URL. */
export async function freshPostgres(): Promise<{ handle: DatabaseHandle; url: string }> {
  const url = await emptyPostgresDatabase();
  return { handle: await openPostgres(url, { migrate: true }), url };
}

export const databaseKinds = {
  postgres: async () => (await freshPostgres()).handle,
  embedded: () => openEmbedded(),
} as const;

/** Runs the same database tests on real Postgres and on the embedded PGlite, which the app uses without DATABASE_URL. */
export function describeOnEachDatabase(name: string, body: (open: () => Promise<DatabaseHandle>) => void) {
  describe.each(Object.entries(databaseKinds))(`${name} (%s)`, (_kind, open) => body(open));
}
