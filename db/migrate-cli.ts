import { env } from '@/lib/env';
import { openPostgres } from './client';

// Applies db/migrations to the Postgres in DATABASE_URL. The embedded database migrates itself on start.
async function main() {
  const { databaseUrl } = env();
  if (!databaseUrl) {
    console.log('DATABASE_URL is not set: the embedded database migrates itself when the app starts. Nothing to do.');
    return;
  }
  const handle = await openPostgres(databaseUrl, { migrate: true, max: 1 });
  await handle.close();
  console.log('Database migrated.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
