import type { Database } from '@/db';
import { env } from '@/lib/env';
import { errorText, log } from '@/lib/log';
import { defaultWorkerId, runImportPass } from './pass';

/**
 * Runs passes on a timer inside a long-running server (self-hosted, `next start`), for installs
 * without an external cron. Off when IMPORT_INTERVAL_SECONDS is 0. `stop()` starts no new batch,
 * waits for the running one to commit, and resolves: for a graceful shutdown on SIGTERM.
 */
export function startImportScheduler(getDb: () => Promise<Database>): { stop(): Promise<void> } {
  const { importIntervalSeconds, importTimeBudgetSeconds } = env();
  if (importIntervalSeconds === 0) return { stop: async () => undefined };
  const workerId = defaultWorkerId();
  const shutdown = new AbortController();
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running || shutdown.signal.aborted) return;
    running = (async () => {
      try {
        await runImportPass(await getDb(), { budgetMs: importTimeBudgetSeconds * 1000, workerId, stopSignal: shutdown.signal });
      } catch (error) {
        log('error', 'scheduled mail import failed', { error: errorText(error) });
      } finally {
        running = null;
      }
    })();
  };
  // Ticks more often than the interval: accounts become due at their own times, and a tick that
  // finds nothing due costs one query.
  const timer = setInterval(tick, Math.min(importIntervalSeconds, 30) * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      shutdown.abort();
      await running;
    },
  };
}
