import type { TestProject } from 'vitest/node';
import { openPostgres } from '@/db/client';
import { ensureBuilt, startApp, testSecrets } from './app-server';
import { startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    appBaseUrl: string;
    appDatabaseUrl: string;
  }
}

/** One production build of the app, served by `next start` against a real Postgres, for all browser tests. */
export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  const databaseUrl = await postgres.createDatabase('crm_browser');
  const migrated = await openPostgres(databaseUrl, { migrate: true, max: 1 });
  await migrated.close();

  await ensureBuilt();
  const app = await startApp({ DATABASE_URL: databaseUrl, ...testSecrets() });
  project.provide('appBaseUrl', app.baseUrl);
  project.provide('appDatabaseUrl', databaseUrl);

  return async () => {
    await app.stop();
    await postgres.stop();
  };
}
