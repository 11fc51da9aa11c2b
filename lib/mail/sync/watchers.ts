import { asc, eq, ne } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, mailAccountSync } from '@/db/schema';
import { env } from '@/lib/env';
import { errorText, log } from '@/lib/log';
import { accountCredentials } from '@/lib/mail/account';
import { watchInbox, type InboxWatch } from '@/lib/mail/transport';
import { defaultWorkerId, runImportPass } from './pass';

/**
 * In a long-running server, keeps an IMAP IDLE connection on the INBOX of up to IMAP_IDLE_MAX_ACCOUNTS
 * accounts and imports an account as soon as its server reports a change, through the normal pass
 * (under the account's lease, so it never races the timer, cron or another instance). The timer
 * passes still run: they cover the other folders, accounts beyond the limit, and anything a dropped
 * connection missed.
 */

const RECONCILE_MS = 30_000;
/** Changes often come in bursts (a message, then its flags); one import covers them all. */
const DEBOUNCE_MS = 300;
const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;
/** When another worker holds the lease, its pass may have read the INBOX before the change: try again after it. */
const BUSY_RETRY_MS = 2_000;
const BUSY_RETRIES = 30;

export interface InboxWatchers {
  /** Accounts with an open IDLE connection right now. */
  connectedCount(): number;
  /** Imports running or waiting for a slot. */
  pendingImports(): number;
  /** Re-reads the account list now (after connecting or removing an account) instead of at the next round. */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

export interface InboxWatcherOptions {
  maxAccounts?: number;
  budgetMs?: number;
  /** Told after each import an IDLE notice started (tests, the benchmark). */
  onImported?: (accountId: string) => void;
}

interface Watcher {
  accountId: string;
  /** The account row's updated_at when the watch began: a newer one (changed settings) restarts it. */
  version: number;
  watch: InboxWatch | null;
  stopped: boolean;
  failures: number;
  retry: NodeJS.Timeout | null;
  debounce: NodeJS.Timeout | null;
  importing: Promise<void> | null;
  again: boolean;
}

/**
 * The watchers this server process runs, so a newly connected account is watched at once (see
 * watchNewAccountsNow). On globalThis: Next.js bundles instrumentation (which starts them) apart from
 * the routes and actions (which connect accounts), each with its own copy of this module.
 */
const CURRENT = Symbol.for('crm.inboxWatchers');
const registry = globalThis as typeof globalThis & { [CURRENT]?: InboxWatchers | null };

/** Starts watching accounts connected or reconnected since the last round, now rather than within RECONCILE_MS. */
export function watchNewAccountsNow(): void {
  void registry[CURRENT]?.reconcile();
}

export function startInboxWatchers(getDb: () => Promise<Database>, options: InboxWatcherOptions = {}): InboxWatchers {
  const settings = env();
  const maxAccounts = options.maxAccounts ?? settings.imapIdleMaxAccounts;
  const budgetMs = options.budgetMs ?? settings.importTimeBudgetSeconds * 1000;
  const workerId = `${defaultWorkerId()}:idle`;
  const watchers = new Map<string, Watcher>();
  let stopped = false;
  const shutdown = new AbortController();
  if (maxAccounts === 0) return { connectedCount: () => 0, pendingImports: () => 0, reconcile: async () => undefined, stop: async () => undefined };

  // IDLE-triggered imports run at most IMPORT_CONCURRENCY at once, however many accounts report at the same moment.
  let running = 0;
  const waiting: (() => void)[] = [];
  // A server's notice goes ahead of the catch-up imports new watches queue (many at start-up).
  const importSlot = async (notice: boolean) => {
    if (running >= settings.importConcurrency) await new Promise<void>((resolve) => (notice ? waiting.unshift(resolve) : waiting.push(resolve)));
    running++;
  };
  const releaseSlot = () => {
    running--;
    waiting.shift()?.();
  };

  const importNow = async (watcher: Watcher, notice: boolean) => {
    await importSlot(notice);
    try {
      await importWhenFree(watcher);
    } finally {
      releaseSlot();
    }
  };

  const importWhenFree = async (watcher: Watcher) => {
    const db = await getDb();
    for (let attempt = 0; attempt <= BUSY_RETRIES && !watcher.stopped; attempt++) {
      // Due at once (by this process's clock, the one the pass compares with), and first in line for every worker.
      await db.update(mailAccountSync).set({ nextPassAt: new Date(Date.now() - 1) }).where(eq(mailAccountSync.accountId, watcher.accountId));
      const summary = await runImportPass(db, { accountIds: [watcher.accountId], budgetMs, workerId, concurrency: 1, stopSignal: shutdown.signal });
      if (summary.accounts.length > 0) {
        options.onImported?.(watcher.accountId);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  };

  const onChange = (watcher: Watcher, notice = true) => {
    if (watcher.stopped) return;
    if (watcher.importing) {
      watcher.again = true;
      return;
    }
    if (watcher.debounce) return;
    watcher.debounce = setTimeout(() => {
      watcher.debounce = null;
      watcher.importing = importNow(watcher, notice)
        .catch((error: unknown) => log('warn', 'import after an IDLE notice failed', { accountId: watcher.accountId, error: errorText(error) }))
        .finally(() => {
          watcher.importing = null;
          if (watcher.again) {
            watcher.again = false;
            onChange(watcher);
          }
        });
    }, DEBOUNCE_MS);
  };

  const connect = async (watcher: Watcher) => {
    watcher.retry = null;
    if (watcher.stopped) return;
    try {
      const db = await getDb();
      const [account] = await db.select().from(mailAccounts).where(eq(mailAccounts.id, watcher.accountId));
      if (!account) return;
      const watch = await watchInbox(accountCredentials(account).imap, () => onChange(watcher));
      if (watcher.stopped) {
        watch.close();
        return;
      }
      watcher.watch = watch;
      watcher.failures = 0;
      // Whatever arrived since the last pass (or while the connection was lost): imported through the
      // bounded pool, so a start-up with many accounts queues these rather than running them all at once.
      onChange(watcher, false);
      const reason = await watch.ended;
      watcher.watch = null;
      if (!watcher.stopped) scheduleReconnect(watcher, reason ? errorText(reason) : 'closed by the server');
    } catch (error) {
      scheduleReconnect(watcher, errorText(error));
    }
  };

  const scheduleReconnect = (watcher: Watcher, reason: string) => {
    if (watcher.stopped) return;
    watcher.failures++;
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(watcher.failures - 1, 20));
    // Jitter, so a server restart does not bring every watcher back in the same second.
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    if (watcher.failures >= 3) log('warn', 'IDLE watch lost', { accountId: watcher.accountId, failures: watcher.failures, retryInMs: delay, error: reason });
    watcher.retry = setTimeout(() => void connect(watcher), delay);
    watcher.retry.unref();
  };

  const stopWatcher = (watcher: Watcher) => {
    watcher.stopped = true;
    if (watcher.retry) clearTimeout(watcher.retry);
    if (watcher.debounce) clearTimeout(watcher.debounce);
    watcher.watch?.close();
    watchers.delete(watcher.accountId);
  };

  const reconcile = async () => {
    if (stopped) return;
    const db = await getDb();
    // Accounts whose password was refused are left alone until the user reconnects (their row changes then).
    const wanted = await db
      .select({ id: mailAccounts.id, updatedAt: mailAccounts.updatedAt })
      .from(mailAccounts)
      .where(ne(mailAccounts.status, 'auth_failed'))
      .orderBy(asc(mailAccounts.createdAt))
      .limit(maxAccounts);
    if (stopped) return;
    const wantedById = new Map(wanted.map((row) => [row.id, row.updatedAt.getTime()]));
    for (const watcher of [...watchers.values()]) {
      const version = wantedById.get(watcher.accountId);
      if (version === undefined || version !== watcher.version) stopWatcher(watcher);
    }
    for (const [accountId, version] of wantedById) {
      if (watchers.has(accountId)) continue;
      const watcher: Watcher = { accountId, version, watch: null, stopped: false, failures: 0, retry: null, debounce: null, importing: null, again: false };
      watchers.set(accountId, watcher);
      void connect(watcher);
    }
  };

  const round = () =>
    reconcile().catch((error: unknown) => log('warn', 'listing the accounts to watch failed', { error: errorText(error) }));
  void round();
  const timer = setInterval(() => void round(), RECONCILE_MS);
  timer.unref();

  const handle: InboxWatchers = {
    connectedCount: () => [...watchers.values()].filter((watcher) => watcher.watch !== null).length,
    pendingImports: () => [...watchers.values()].filter((watcher) => watcher.importing !== null || watcher.debounce !== null).length,
    reconcile: round,
    async stop() {
      stopped = true;
      if (registry[CURRENT] === handle) registry[CURRENT] = null;
      shutdown.abort();
      clearInterval(timer);
      const importing = [...watchers.values()].map((watcher) => watcher.importing);
      for (const watcher of [...watchers.values()]) stopWatcher(watcher);
      await Promise.all(importing);
    },
  };
  registry[CURRENT] = handle;
  return handle;
}
