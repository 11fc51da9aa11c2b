import { inject } from 'vitest';
import type { Database } from '@/db/client';
import { startApp, testSecrets } from './app-server';
import { freshPostgres } from './databases';

export interface BrowserTestApp {
  baseUrl: string;
  /** The app's own database, for arranging data the test does not drive through the UI. */
  db: Database;
  output(): string;
  stop(): Promise<void>;
}

/** `next start` of the production build on a fresh, migrated database of its own. */
export async function startBrowserTestApp(): Promise<BrowserTestApp> {
  const { handle, url } = await freshPostgres();
  const app = await startApp({
    DATABASE_URL: url,
    ...testSecrets(),
    // The test mail servers live on loopback and use a throw-away CA, as an on-premise server would.
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    NODE_EXTRA_CA_CERTS: inject('mailServers').caCertPath,
  });
  return {
    baseUrl: app.baseUrl,
    db: handle.db,
    output: app.output,
    async stop() {
      await app.stop();
      await handle.close();
    },
  };
}
