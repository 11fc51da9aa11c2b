import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'imapflow';
import type { Database } from '@/db';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import type { SyncExtensions } from '@/lib/mail/transport';
import { importAccount } from './account-pass';
import { outOfTime, type PassContext } from './context';
import { acquireLease, ensureSyncRows, findDueAccounts } from './lease';

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

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

/** Imports every due account (or the given ones) until the time budget runs out. */
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
  const due = await findDueAccounts(db, context.now, options.accountIds);
  const accounts: AccountImportSummary[] = [];
  let skippedLocked = 0;
  let workRemaining = false;
  for (const accountId of due) {
      if (outOfTime(context)) {
        workRemaining = true;
        break;
      }
      const lease = await acquireLease(db, accountId, context.workerId, context.leaseTtlMs);
      if (!lease) {
        skippedLocked++;
        continue;
      }
      const summary = await importAccount(context, lease);
      accounts.push(summary);
      workRemaining ||= summary.workRemaining;
      // One line per account and pass: enough to see whether mail is flowing, with no content in it.
      const { accountId: id, outcome, foldersTouched, added, updated, removed, written, errors, durationMs } = summary;
      log(outcome === 'ok' ? 'info' : 'warn', 'mail import', {
        accountId: id,
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
  return {
    workerId: context.workerId,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    accounts,
    skippedLocked,
    workRemaining,
  };
}

/**
 * One pass for one account now, within the usual time budget: after the user connected it or changed
 * something in the Inbox. Waits for nothing when another worker holds the account's lease: that
 * worker writes pending changes between its steps.
 */
export async function importAccountNow(db: Database, accountId: string): Promise<ImportSummary> {
  return runImportPass(db, { accountIds: [accountId], budgetMs: env().importTimeBudgetSeconds * 1000 });
}
