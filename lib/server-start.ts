import { getDatabaseHandle, getDb } from '@/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { startOutboxTimer } from '@/lib/mail/compose';
import { startImportScheduler, startInboxWatchers } from '@/lib/mail/sync';

/**
 * What a Node.js server instance does once at start (called from instrumentation.ts). Validating the
 * environment here makes a misconfigured deployment fail at start-up, with a message naming the
 * variable, instead of at its first request. A long-running server (next start, a container) also
 * imports mail on its own timer; on Vercel the platform's cron calls /api/cron/import instead,
 * because serverless instances do not stay up.
 */
export function startServer(): void {
  try {
    env();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  warmUpDatabase();
  if (process.env.VERCEL) return;
  const scheduler = startImportScheduler(getDb);
  // IDLE needs connections that stay open: only here, never on Vercel (cron passes cover it there).
  const watchers = startInboxWatchers(getDb);
  startOutboxTimer(getDb);
  // With NEXT_MANUAL_SIG_HANDLE set (our container does), Next leaves SIGTERM to us: start no new
  // import batch, let the running one commit, then exit. (Without it Next exits at once; a batch cut
  // short is rolled back and imported again by the next pass, so nothing is lost either way.)
  if (process.env.NEXT_MANUAL_SIG_HANDLE) {
    const shutDown = (signal: NodeJS.Signals) => {
      log('info', 'shutting down: finishing the running import batch', { signal });
      void Promise.all([scheduler.stop(), watchers.stop()]).finally(() => process.exit(0));
    };
    process.once('SIGTERM', shutDown);
    process.once('SIGINT', shutDown);
  }
}

/**
 * Opens the database in the background as the server starts, not on the first request: the embedded
 * database takes seconds to start (and migrate), which the first visitor would otherwise wait for.
 * Requests share the same opening (db/index.ts), so one that comes early waits only for the rest.
 * Nothing here blocks start-up; a failure is logged and the next request tries again.
 */
function warmUpDatabase(): void {
  const started = Date.now();
  getDatabaseHandle()
    .then((handle) => handle.ping())
    .then(
      () => log('info', 'database ready', { ms: Date.now() - started }),
      (error: unknown) => log('error', 'database could not be opened at start; requests will try again', { error }),
    );
}
