import { inject } from 'vitest';
import type { Database } from '@/db/client';
import { startApp, testSecrets } from './app-server';
import { freshPostgres } from './databases';

export interface BrowserTestApp {
  baseUrl: string;
  /** The app's own database, for arranging data the test does not drive through the UI. */
  db: Database;
  output(): string;
  /**
   * Registers a value that must never appear in the app's logs (a CRM or mailbox password the test
   * types). stop() fails the test file when any registered value, or any test mailbox password, did.
   */
  neverLog(...values: string[]): void;
  stop(): Promise<void>;
}

/** The production build on a fresh, migrated database of its own; `extraEnv` adds to (or overrides) its environment. */
export async function startBrowserTestApp(extraEnv: Record<string, string> = {}): Promise<BrowserTestApp> {
  const { handle, url } = await freshPostgres();
  const mailServers = inject('mailServers');
  const secrets = testSecrets();
  const app = await startApp({
    DATABASE_URL: url,
    ...secrets,
    // The test mail servers live on loopback and use a throw-away CA, as an on-premise server would.
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    NODE_EXTRA_CA_CERTS: mailServers.caCertPath,
    ...extraEnv,
  });
  const forbidden = new Set<string>([...mailServers.users.map((user) => user.password), secrets.AUTH_SECRET]);
  return {
    baseUrl: app.baseUrl,
    db: handle.db,
    output: app.output,
    neverLog: (...values) => values.forEach((value) => forbidden.add(value)),
    async stop() {
      await app.stop();
      await handle.close();
      const output = app.output();
      const leaked = [...forbidden].filter((value) => output.includes(value));
      if (leaked.length > 0) throw new Error(`the app's logs contain ${leaked.length} secret(s) the tests used; no password may be logged`);
    },
  };
}
