import 'server-only';
import type { Database } from '@/db';
import { log } from '@/lib/log';
import { runDueSends } from './outbox';

/**
 * A long-running server also sends due drafts on a timer: what the action's after() missed (a
 * restart during the undo delay, a retry queued while the server was busy) goes out within seconds.
 */
export function startOutboxTimer(getDb: () => Promise<Database>, intervalMs = 10_000): { stop: () => void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void getDb()
      .then((db) => runDueSends(db))
      .catch((error: unknown) => log('warn', 'outbox run failed', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
