import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresPort: number;
  }
}

/** Starts the real servers integration tests talk to, once for the whole run. */
export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('postgresPort', postgres.port);
  return async () => {
    await postgres.stop();
  };
}
