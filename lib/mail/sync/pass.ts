import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'imapflow';
import { and, eq, isNull, lte } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccountSync, mailPendingOperations } from '@/db/schema';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import type { SyncExtensions } from '@/lib/mail/transport';
import { importAccount } from './account-pass';
import { watchNewAccountsNow } from './watchers';
import { outOfTime, type PassContext } from './context';
import { claimNextDueAccount, countDue, ensureSyncRows } from './lease';

/**
 * Copies mail from the users' IMAP mailboxes into the database, a time-boxed pass at a time (a cron
 * request, the CLI or the app's own timer). Every step is resumable: messages are inserted in batches,
 * each batch in one transaction together with the folder's cursor, with ON CONFLICT DO NOTHING on
 * (folder, UIDVALIDITY, UID). A worker killed at any moment leaves a consistent state, and the next
 * pass continues from the last committed batch and ends with exactly the mailbox's messages.
 *
 * Per folder and pass:
 *  1. STATUS (inline with LIST where the server can) — nothing more when UIDVALIDITY, UIDNEXT and
 *     HIGHESTMODSEQ equal what is stored and no window fill is pending;
 *  2. flag changes (CONDSTORE CHANGEDSINCE) and expunges (QRESYNC VANISHED, else a UID comparison);
 *  3. new mail: every UID at or above the stored UIDNEXT, oldest first;
 *  4. the download window ("fill"): UID SEARCH SINCE <today − NUMBER_OF_DAYS_TO_DOWNLOAD> below the
 *     UIDNEXT of the first import, newest first, so recent mail shows up first. When the admin
 *     raises the number of days, the days before the imported window are filled the same way.
 */

export interface ImportPassOptions {
  /** Stop starting new batches after this long; unfinished work is left for the next pass. */
  budgetMs: number;
  /** Names the lease holder (host, process): useful when reading mail_account_sync. */
  workerId?: string;
  /** The clock for due-ness, scheduling and the download window. Lease expiry uses the database's. */
  now?: Date;
  /** Only these accounts (still only when due). */
  accountIds?: readonly string[];
  /** Defaults to NUMBER_OF_DAYS_TO_DOWNLOAD. */
  daysToDownload?: number;
  /** Seconds until an account is due again after a successful pass; defaults to IMPORT_INTERVAL_SECONDS. */
  intervalSeconds?: number;
  /** How long a lease lasts without a commit renewing it. */
  leaseTtlMs?: number;
  /** ImapFlow's logger, to watch the IMAP commands (tests, debugging). */
  imapLogger?: Logger;
  /** Use fewer sync extensions than the server offers, to exercise the fallbacks (tests). */
  imapExtensions?: SyncExtensions;
  /** Most messages fetched and committed together. */
  maxBatchMessages?: number;
  /** Aborted when the server shuts down: no new batch starts, the running one still commits. */
  stopSignal?: AbortSignal;
  /** Accounts worked on at once; defaults to IMPORT_CONCURRENCY. */
  concurrency?: number;
  /** Longest one account works before it yields its slot (and is queued again); default a quarter of the budget, at least 10 s. */
  accountSliceMs?: number;
  /** Most slots first imports may hold at once; default half the slots, at most 4 (each holds a few batches in memory). */
  firstImportSlots?: number;
}

export type AccountImportOutcome = 'ok' | 'auth_failed' | 'failed' | 'lease_lost';

export interface AccountImportSummary {
  accountId: string;
  emailAddress: string;
  outcome: AccountImportOutcome;
  /** Folders in which something was imported, updated or removed. */
  foldersTouched: string[];
  added: number;
  /** Messages whose flags changed. */
  updated: number;
  removed: number;
  /** The user's changes written to the server (flags, moves, deletions). */
  written: number;
  /** Older messages whose HTML and search words were made again by the current versions (reprocess.ts). */
  reprocessed: number;
  errors: string[];
  /** The budget ran out before the account was caught up; it is due again at once. */
  workRemaining: boolean;
  durationMs: number;
}

export interface ImportSummary {
  workerId: string;
  startedAt: string;
  durationMs: number;
  accounts: AccountImportSummary[];
  /** Due accounts another worker was importing at the time. */
  skippedLocked: number;
  /** Some account is not caught up: either its import was cut short or it was not reached. */
  workRemaining: boolean;
}

const DEFAULT_LEASE_TTL_MS = 120_000;
const DEFAULT_MAX_BATCH_MESSAGES = 100;
const MIN_ACCOUNT_SLICE_MS = 10_000;
const MAX_FIRST_IMPORT_SLOTS = 4;

// One line per account and pass: enough to see whether mail is flowing, with no content in it.
function logAccount(summary: AccountImportSummary): void {
  const { accountId, outcome, foldersTouched, added, updated, removed, written, errors, durationMs } = summary;
  log(outcome === 'ok' ? 'info' : 'warn', 'mail import', {
    accountId,
    outcome,
    folders: foldersTouched.length,
    added,
    updated,
    removed,
    written,
    errors: errors.length,
    workRemaining: summary.workRemaining,
    durationMs,
  });
}

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * Imports every due account (or the given ones) until the time budget runs out, several at once
 * (IMPORT_CONCURRENCY slots). Each slot claims the longest-waiting due account whose lease is free
 * (see claimNextDueAccount), so passes of other instances and overlapping cron calls share the work
 * without ever importing one account twice at the same time.
 */
export async function runImportPass(db: Database, options: ImportPassOptions): Promise<ImportSummary> {
  const startedAt = Date.now();
  const settings = env();
  const context: PassContext = {
    db,
    workerId: options.workerId ?? defaultWorkerId(),
    now: options.now ?? new Date(),
    deadline: startedAt + options.budgetMs,
    stopSignal: options.stopSignal,
    daysToDownload: options.daysToDownload ?? settings.numberOfDaysToDownload,
    intervalMs: (options.intervalSeconds ?? settings.importIntervalSeconds) * 1000,
    leaseTtlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    imapLogger: options.imapLogger,
    imapExtensions: options.imapExtensions ?? 'all',
    maxBatchMessages: options.maxBatchMessages ?? DEFAULT_MAX_BATCH_MESSAGES,
  };

  await ensureSyncRows(db, options.accountIds);
  const skippedLocked = (await countDue(db, context.now, options.accountIds)).leased;
  const accounts: AccountImportSummary[] = [];
  const concurrency = Math.max(1, options.concurrency ?? settings.importConcurrency);
  const sliceMs = options.accountSliceMs ?? Math.max(MIN_ACCOUNT_SLICE_MS, Math.floor(options.budgetMs / 4));
  // First imports (and imports left unfinished) may take at most half the slots; the rest stay free
  // for accounts that are caught up, whose passes are short, so a few huge mailboxes never hold up
  // everyone's new mail. With one slot, the time slice alone takes turns.
  // Capped in number too: each running import holds a few batches in memory.
  const firstImportSlots = options.firstImportSlots ?? (concurrency === 1 ? 1 : Math.min(MAX_FIRST_IMPORT_SLOTS, Math.ceil(concurrency / 2)));
  // Slots that hold (or are claiming and may get) a first import; counted before the claim so that
  // slots claiming at the same moment cannot together exceed the share.
  let firstImportSlotsTaken = 0;
  let workRemaining = false;
  const finished = new Set<string>();

  const slot = async () => {
    while (!outOfTime(context)) {
      const caughtUpOnly = firstImportSlotsTaken >= firstImportSlots;
      if (!caughtUpOnly) firstImportSlotsTaken++;
      const lease = await claimNextDueAccount(db, context.now, context.workerId, context.leaseTtlMs, { accountIds: options.accountIds, caughtUpOnly, finished }).catch(
        (error: unknown) => {
          if (!caughtUpOnly) firstImportSlotsTaken--;
          throw error;
        },
      );
      const firstImport = !caughtUpOnly && lease?.catchingUp === true;
      if (!caughtUpOnly && !firstImport) firstImportSlotsTaken--;
      // Nothing left this slot may take: when held back from first imports, the slots that run them carry on with them.
      if (!lease) return;
      try {
        // A long import stops after its slice (committing what it fetched) and is due again at once,
        // behind the accounts that waited longer; it carries on in a later turn of this or the next pass.
        const accountContext: PassContext = { ...context, deadline: Math.min(context.deadline, Date.now() + sliceMs) };
        const summary = await importAccount(accountContext, lease);
        accounts.push(summary);
        // Caught up (or failed): not again in this pass, even when it is due again at once (IMPORT_INTERVAL_SECONDS=0).
        if (!summary.workRemaining) finished.add(summary.accountId);
        logAccount(summary);
      } finally {
        if (firstImport) firstImportSlotsTaken--;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  // The last summary of each account says whether it is caught up (an account may have had several turns).
  const lastByAccount = new Map(accounts.map((summary) => [summary.accountId, summary]));
  for (const summary of lastByAccount.values()) workRemaining ||= summary.workRemaining;
  // Due accounts nobody reached before the budget ran out.
  if (outOfTime(context)) workRemaining ||= (await countDue(db, context.now, options.accountIds, finished)).free > 0;
  return {
    workerId: context.workerId,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    accounts,
    skippedLocked,
    workRemaining,
  };
}

/** How long importAccountNow waits, a second at a time, for another worker to let go of the account. */
const BUSY_RETRIES = 30;

/** The user's changes to this account that are due on the server and not yet written. */
async function hasDueChanges(db: Database, accountId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: mailPendingOperations.id })
    .from(mailPendingOperations)
    .where(and(eq(mailPendingOperations.accountId, accountId), isNull(mailPendingOperations.droppedAt), lte(mailPendingOperations.nextAttemptAt, new Date())))
    .limit(1);
  return row !== undefined;
}

/**
 * One pass for one account now, within the usual time budget: after the user connected it or changed
 * something in the Inbox. When another worker holds the account's lease (the timer, cron, or an IDLE
 * notice's import), that pass may already have written the pending changes it saw before this one
 * was queued, so this waits for it to end and then runs its own pass.
 */
export async function importAccountNow(db: Database, accountId: string): Promise<ImportSummary> {
  watchNewAccountsNow();
  const budgetMs = env().importTimeBudgetSeconds * 1000;
  for (let attempt = 0; ; attempt++) {
    const summary = await runImportPass(db, { accountIds: [accountId], budgetMs });
    if (summary.accounts.length > 0 || attempt >= BUSY_RETRIES) return summary;
    // Another worker may have claimed the account between this pass's count and its claim (an IDLE
    // notice, the timer): then the count says "not busy", but the user's change still waits.
    if (summary.skippedLocked === 0 && !(await hasDueChanges(db, accountId))) return summary;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The other pass set the next one minutes ahead when it ended; this one is still wanted now.
    await db.update(mailAccountSync).set({ nextPassAt: new Date(Date.now() - 1) }).where(eq(mailAccountSync.accountId, accountId));
  }
}
