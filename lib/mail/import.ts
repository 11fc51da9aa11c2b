import crypto from 'node:crypto';
import os from 'node:os';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Logger } from 'imapflow';
import type { Database } from '@/db';
import {
  mailAccounts,
  mailAttachments,
  mailFolders,
  mailMessages,
  type MailAccount,
  type MailFolder,
  type MailImportProgress,
} from '@/db/schema';
import { EnvelopeError, KeyringError } from '@/lib/crypto/envelope';
import { env } from '@/lib/env';
import { errorText, log } from '@/lib/log';
import { classifyFolders, type ClassifiedFolder } from './folders';
import { ImapSession, type FetchedMessage, type FolderStatus, type ImapSessionOptions, type ListedFolderWithStatus, type SyncExtensions } from './imap';
import {
  acquireLease,
  consecutiveFailuresOf,
  ensureSyncRows,
  findDueAccounts,
  LeaseLostError,
  releaseLease,
  withLease,
  type Lease,
  type Transaction,
} from './lease';
import { parseMessage, type ParsedMessage } from './parse';
import { MailHostNotFoundError, MailHostRefusedError } from './ssrf';
import { classifyMailError } from './verify';

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
/** Bounds the memory a batch takes (sources plus parsed bodies): a few large messages make a batch of their own. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Multi-row INSERTs stay well below Postgres' 65 535 parameters and a sane statement size. */
const MAX_ATTACHMENT_INSERT_BYTES = 4 * 1024 * 1024;
const MAX_IDS_PER_STATEMENT = 1000;
const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;
/** Wrong passwords are retried slowly: the user has to reconnect anyway, and servers lock accounts that keep failing. */
const AUTH_BACKOFF_BASE_MS = 15 * 60 * 1000;
const ERROR_BACKOFF_BASE_MS = 60 * 1000;
/** Connection problems mark the account only when they persist, not on one network blip. */
const FAILURES_BEFORE_ACCOUNT_ERROR = 3;

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
    const { accountId: id, outcome, foldersTouched, added, updated, removed, errors, durationMs } = summary;
    log(outcome === 'ok' ? 'info' : 'warn', 'mail import', {
      accountId: id,
      outcome,
      folders: foldersTouched.length,
      added,
      updated,
      removed,
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

/** Time to stop starting new work: the budget is spent or the server is shutting down. */
function outOfTime(context: Pick<PassContext, 'deadline' | 'stopSignal'>): boolean {
  return Date.now() >= context.deadline || context.stopSignal?.aborted === true;
}

// ---------------------------------------------------------------------------------------------
// One account

interface PassContext {
  db: Database;
  workerId: string;
  now: Date;
  deadline: number;
  stopSignal: AbortSignal | undefined;
  daysToDownload: number;
  intervalMs: number;
  leaseTtlMs: number;
  imapLogger: Logger | undefined;
  imapExtensions: SyncExtensions;
  maxBatchMessages: number;
}

interface AccountContext extends PassContext {
  lease: Lease;
  account: MailAccount;
  session: ImapSession;
  summary: AccountImportSummary;
}

type FailureKind = 'auth' | 'other';

class AccountFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AccountFailure';
  }
}

async function importAccount(context: PassContext, lease: Lease): Promise<AccountImportSummary> {
  const startedAt = Date.now();
  const [account] = await context.db.select().from(mailAccounts).where(eq(mailAccounts.id, lease.accountId));
  const summary: AccountImportSummary = {
    accountId: lease.accountId,
    emailAddress: account?.emailAddress ?? '',
    outcome: 'ok',
    foldersTouched: [],
    added: 0,
    updated: 0,
    removed: 0,
    errors: [],
    workRemaining: false,
    durationMs: 0,
  };
  const finish = () => ({ ...summary, durationMs: Date.now() - startedAt });
  // Deleted since it was found due: the sync row went with it (cascade).
  if (!account) return finish();

  let session: ImapSession | undefined;
  try {
    session = await openSession(account, { extensions: context.imapExtensions, ...(context.imapLogger ? { logger: context.imapLogger } : {}) });
    const accountContext: AccountContext = { ...context, lease, account, session, summary };
    const progress = await importFolders(accountContext);
    await markAccountHealthy(context.db, account);
    await releaseLease(context.db, lease, {
      passAt: context.now,
      // Unfinished work is due again at once, so the next cron call or tick carries on.
      nextPassAt: summary.workRemaining ? context.now : new Date(context.now.getTime() + context.intervalMs),
      error: null,
      progress: summary.workRemaining ? progress : null,
    });
  } catch (error) {
    if (error instanceof LeaseLostError) {
      // Another worker owns the account now; its state is not ours to touch any more.
      summary.outcome = 'lease_lost';
      summary.errors.push(error.message);
      return finish();
    }
    const failure = error instanceof AccountFailure ? error : new AccountFailure('other', errorText(error), { cause: error });
    summary.outcome = failure.kind === 'auth' ? 'auth_failed' : 'failed';
    summary.errors.push(failure.message);
    await recordAccountFailure(context, lease, account, failure);
  } finally {
    await session?.close();
  }
  return finish();
}

async function openSession(account: MailAccount, options: ImapSessionOptions): Promise<ImapSession> {
  try {
    return await ImapSession.open(account, options);
  } catch (error) {
    if (error instanceof EnvelopeError || error instanceof KeyringError) {
      throw new AccountFailure('auth', 'The stored mailbox password cannot be decrypted (the encryption key changed): reconnect the mailbox.', {
        cause: error,
      });
    }
    if (error instanceof MailHostRefusedError || error instanceof MailHostNotFoundError) {
      throw new AccountFailure('other', error.message, { cause: error });
    }
    const classified = classifyMailError(error, { protocol: 'imap', tls: account.imapTls, host: account.imapHost, port: account.imapPort });
    const isAuth = classified.code === 'auth_failed' || classified.code === 'app_password_required' || classified.code === 'imap_disabled';
    throw new AccountFailure(isAuth ? 'auth' : 'other', classified.message, { cause: error });
  }
}

/** Imports the selected folders, INBOX and Sent first; returns the last progress for the progress bar. */
async function importFolders(context: AccountContext): Promise<MailImportProgress | null> {
  const listed = await context.session.listFolders();
  const folders = await syncFolderRows(context, listed);
  const statusByPath = new Map(listed.flatMap((entry) => (entry.status ? [[entry.path, entry.status] as const] : [])));
  const order = (folder: MailFolder) => (folder.specialUse === 'inbox' ? 0 : folder.specialUse === 'sent' ? 1 : 2);
  const selected = folders.filter((folder) => folder.selectedForImport).sort((a, b) => order(a) - order(b) || a.path.localeCompare(b.path));

  let progress: MailImportProgress | null = null;
  for (const folder of selected) {
    if (outOfTime(context)) {
      context.summary.workRemaining = true;
      break;
    }
    try {
      const result = await importFolder(context, folder, statusByPath.get(folder.path));
      if (result.progress) progress = result.progress;
      if (result.touched) context.summary.foldersTouched.push(folder.path);
      if (result.workRemaining) {
        context.summary.workRemaining = true;
        break;
      }
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      // A dead connection ends the account's pass; a folder the server refused does not stop the others.
      if (!context.session.usable) throw new AccountFailure('other', `${folder.path}: ${errorText(error)}`, { cause: error });
      context.summary.errors.push(`${folder.path}: ${errorText(error)}`);
      log('warn', 'importing a folder failed', { accountId: context.account.id, folder: folder.path, error: errorText(error) });
    }
  }
  return progress;
}

/**
 * Brings mail_folders in line with LIST: new folders get their default selection, known ones keep
 * the user's choice, and folders gone from the server go with their messages. Writes nothing when
 * nothing changed.
 */
async function syncFolderRows(context: AccountContext, listed: readonly ListedFolderWithStatus[]): Promise<MailFolder[]> {
  const { db, account, lease } = context;
  const existing = await db.select().from(mailFolders).where(eq(mailFolders.accountId, account.id));
  const classified = classifyFolders(listed);
  const listedPaths = new Set(classified.map((folder) => folder.path));
  const existingByPath = new Map(existing.map((folder) => [folder.path, folder]));

  const toInsert = classified.filter((folder) => !existingByPath.has(folder.path));
  const toUpdate = classified.filter((folder) => {
    const row = existingByPath.get(folder.path);
    return row !== undefined && (row.name !== folder.name || row.delimiter !== folder.delimiter || row.specialUse !== folder.specialUse);
  });
  // A listing without INBOX is not a real listing (every IMAP account has one): never delete on it.
  const listingLooksComplete = classified.some((folder) => folder.specialUse === 'inbox');
  const toDelete = listingLooksComplete ? existing.filter((folder) => !listedPaths.has(folder.path)) : [];
  if (toInsert.length === 0 && toUpdate.length === 0 && toDelete.length === 0) return existing;

  await withLease(db, lease, async (tx) => {
    if (toInsert.length > 0) {
      await tx
        .insert(mailFolders)
        .values(toInsert.map((folder) => ({ accountId: account.id, ...folderColumns(folder), selectedForImport: folder.importByDefault })))
        .onConflictDoNothing();
    }
    for (const folder of toUpdate) {
      await tx
        .update(mailFolders)
        .set(folderColumns(folder))
        .where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder.path)));
    }
    if (toDelete.length > 0) {
      await tx.delete(mailFolders).where(inArray(mailFolders.id, toDelete.map((folder) => folder.id)));
    }
  });
  return db.select().from(mailFolders).where(eq(mailFolders.accountId, account.id));
}

function folderColumns(folder: ClassifiedFolder) {
  return { path: folder.path, name: folder.name, delimiter: folder.delimiter, specialUse: folder.specialUse };
}

async function markAccountHealthy(db: Database, account: MailAccount): Promise<void> {
  if (account.status === 'ok' && account.lastError === null) return;
  // updated_at stays: it records the user's changes, and findDueAccounts() reads a newer one as "reconnected".
  await db.update(mailAccounts).set({ status: 'ok', lastError: null }).where(eq(mailAccounts.id, account.id));
}

async function recordAccountFailure(context: PassContext, lease: Lease, account: MailAccount, failure: AccountFailure): Promise<void> {
  const failures = (await consecutiveFailuresOf(context.db, account.id)) + 1;
  const base = failure.kind === 'auth' ? AUTH_BACKOFF_BASE_MS : Math.max(ERROR_BACKOFF_BASE_MS, context.intervalMs);
  const delayMs = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(failures - 1, 20));
  console.error(
    JSON.stringify({ level: 'warn', msg: 'mail import failed', accountId: account.id, kind: failure.kind, failures, retryInSeconds: delayMs / 1000, error: failure.message }),
  );
  if (failure.kind === 'auth' || failures >= FAILURES_BEFORE_ACCOUNT_ERROR) {
    await context.db
      .update(mailAccounts)
      .set({ status: failure.kind === 'auth' ? 'auth_failed' : 'error', lastError: failure.message })
      .where(eq(mailAccounts.id, account.id));
  }
  await releaseLease(context.db, lease, {
    passAt: context.now,
    nextPassAt: new Date(context.now.getTime() + delayMs),
    error: failure.message,
    progress: null,
  });
}

// ---------------------------------------------------------------------------------------------
// One folder

/** Where a folder's import stands; the in-memory twin of the cursor columns of mail_folders. */
export interface FolderCursor {
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint | null;
  importedSince: Date | null;
  fillSince: Date | null;
  fillBelowUid: number | null;
}

interface FolderResult {
  touched: boolean;
  workRemaining: boolean;
  progress: MailImportProgress | null;
}

/** UTC midnight `days` days before `now`: SEARCH SINCE compares whole days. */
export function windowStartFor(now: Date, days: number): Date {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  start.setUTCDate(start.getUTCDate() - days);
  return start;
}

function isUpToDate(folder: MailFolder, status: FolderStatus, windowStart: Date, hasCondstore: boolean): boolean {
  if (folder.uidValidity !== status.uidValidity || folder.uidNext === null || folder.importedSince === null) return false;
  if (folder.fillSince !== null || windowStart < folder.importedSince) return false;
  if (folder.uidNext < status.uidNext) return false;
  // Without CONDSTORE nothing tells flag changes or expunges apart from no change: always look.
  return hasCondstore && status.highestModseq !== null && folder.highestModseq === status.highestModseq;
}

function storedCursor(folder: MailFolder): FolderCursor | null {
  if (folder.uidValidity === null || folder.uidNext === null) return null;
  return {
    uidValidity: folder.uidValidity,
    uidNext: folder.uidNext,
    highestModseq: folder.highestModseq,
    importedSince: folder.importedSince,
    fillSince: folder.fillSince,
    fillBelowUid: folder.fillBelowUid,
  };
}

async function importFolder(context: AccountContext, folder: MailFolder, listedStatus: FolderStatus | undefined): Promise<FolderResult> {
  const { session } = context;
  const windowStart = windowStartFor(context.now, context.daysToDownload);
  const status = listedStatus ?? (await session.status(folder.path));
  if (isUpToDate(folder, status, windowStart, session.hasCondstore)) return { touched: false, workRemaining: false, progress: null };

  // SELECT's values, not STATUS's: the folder may have changed in between, and these are the ones the commands below see.
  const opened = await session.open(folder.path);
  const stored = storedCursor(folder);
  const sameValidity = stored !== null && stored.uidValidity === opened.uidValidity;
  const run: FolderRun = {
    context,
    folder,
    cursor: sameValidity
      ? stored
      : {
          uidValidity: opened.uidValidity,
          uidNext: opened.uidNext,
          highestModseq: opened.highestModseq,
          importedSince: null,
          fillSince: windowStart,
          fillBelowUid: opened.uidNext,
        },
    // A new UIDVALIDITY invalidates every stored UID: the first commit for the new one removes them all.
    replaceOtherValidity: folder.uidValidity !== null && folder.uidValidity !== opened.uidValidity,
    touched: false,
    progress: null,
  };

  if (sameValidity) {
    await syncFlagsAndExpunges(run, opened.highestModseq);
    if (opened.uidNext > run.cursor.uidNext && !(await importNewMail(run, opened.uidNext))) return unfinished(run);
    if (run.cursor.fillSince === null && run.cursor.importedSince !== null && windowStart < run.cursor.importedSince) {
      run.cursor = { ...run.cursor, fillSince: windowStart, fillBelowUid: run.cursor.uidNext };
    }
  }
  if (run.cursor.fillSince !== null && !(await fillWindow(run))) return unfinished(run);
  if (run.replaceOtherValidity) await commit(run, {});
  return { touched: run.touched, workRemaining: false, progress: null };
}

interface FolderRun {
  context: AccountContext;
  folder: MailFolder;
  cursor: FolderCursor;
  replaceOtherValidity: boolean;
  touched: boolean;
  progress: MailImportProgress | null;
}

function unfinished(run: FolderRun): FolderResult {
  return { touched: run.touched, workRemaining: true, progress: run.progress };
}

/** Step 2: flags that changed and messages that were expunged since the stored HIGHESTMODSEQ. */
async function syncFlagsAndExpunges(run: FolderRun, serverModseq: bigint | null): Promise<void> {
  const { session } = run.context;
  const storedModseq = run.cursor.highestModseq;
  if (session.hasCondstore && storedModseq !== null && serverModseq !== null) {
    if (serverModseq === storedModseq) return;
    const changes = await session.changesSince(storedModseq);
    const removedUids = changes.vanishedUids ?? (await uidsGoneFromServer(run, await session.allUids()));
    await commit(run, { flagChanges: changes.flagsByUid, removedUids, cursor: { ...run.cursor, highestModseq: serverModseq } });
    return;
  }
  const flagsByUid = await session.allFlags();
  const removedUids = await uidsGoneFromServer(run, [...flagsByUid.keys()]);
  await commit(run, { flagChanges: flagsByUid, removedUids, cursor: { ...run.cursor, highestModseq: serverModseq } });
}

async function uidsGoneFromServer(run: FolderRun, serverUids: readonly number[]): Promise<number[]> {
  const onServer = new Set(serverUids);
  const stored = await run.context.db
    .select({ uid: mailMessages.uid })
    .from(mailMessages)
    .where(and(eq(mailMessages.folderId, run.folder.id), eq(mailMessages.uidValidity, run.cursor.uidValidity)));
  return stored.map((row) => row.uid).filter((uid) => !onServer.has(uid));
}

/** Step 3: messages at or above the stored UIDNEXT, oldest first. False when the budget ran out. */
async function importNewMail(run: FolderRun, serverUidNext: number): Promise<boolean> {
  const sizes = await run.context.session.sizes({ fromUid: run.cursor.uidNext });
  const uids = [...sizes.keys()].sort((a, b) => a - b);
  const finished = await importInBatches(run, uids, sizes, (batch) => ({ uidNext: Math.max(run.cursor.uidNext, Math.max(...batch) + 1) }));
  if (!finished) return false;
  if (serverUidNext > run.cursor.uidNext) await commit(run, { cursor: { ...run.cursor, uidNext: serverUidNext } });
  return true;
}

/** Step 4: the download window below the first import's UIDNEXT, newest first. False when the budget ran out. */
async function fillWindow(run: FolderRun): Promise<boolean> {
  const { fillSince, fillBelowUid, importedSince } = run.cursor;
  if (fillSince === null || fillBelowUid === null) return true;
  const { session } = run.context;
  // BEFORE the already imported window, so a backfill fetches only the days that were missing.
  const candidates = await session.uidsInWindow(fillSince, importedSince, fillBelowUid);
  const sizes = await session.sizes({ uids: candidates });
  const uids = [...sizes.keys()].sort((a, b) => b - a);
  const finished = await importInBatches(run, uids, sizes, (batch) => ({ fillBelowUid: Math.min(...batch) }));
  if (!finished) return false;
  await commit(run, { cursor: { ...run.cursor, importedSince: fillSince, fillSince: null, fillBelowUid: null } });
  return true;
}

/**
 * Fetches, parses and commits `uids` in batches, moving the cursor with each commit. The FETCH of a
 * batch completes before anything else happens; parsing runs on the collected sources.
 */
async function importInBatches(
  run: FolderRun,
  uids: readonly number[],
  sizes: ReadonlyMap<number, number>,
  cursorAfter: (batch: readonly number[]) => Partial<FolderCursor>,
): Promise<boolean> {
  const { context } = run;
  const total = uids.length;
  let done = 0;
  const batches = planBatches(uids, sizes, context.maxBatchMessages);
  // The next batch downloads while this one is parsed and committed: the connection is otherwise idle
  // then, and parsing is CPU work the download does not compete with. Only one FETCH is ever in flight,
  // and no other IMAP command is sent until it has finished (see settle below).
  const startFetch = (index: number) => {
    const batch = batches[index];
    if (!batch || outOfTime(context)) return null;
    const fetching = context.session.fetchMessages(batch);
    fetching.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    return fetching;
  };
  let prefetch = startFetch(0);
  const settle = async () => {
    await prefetch?.catch(() => undefined);
    prefetch = null;
  };
  try {
    for (let index = 0; index < batches.length; index++) {
      if (!prefetch || outOfTime(context)) return false;
      const fetched = await prefetch;
      prefetch = startFetch(index + 1);
      const batch = batches[index]!;
      const messages: PreparedMessage[] = [];
      // shift(), not for-of: each source becomes garbage as soon as it is parsed, not after the commit.
      for (let message = fetched.shift(); message; message = fetched.shift()) {
        const parsed = await parseMessage(message.source);
        // Keep the raw source only where it is stored (unparseable mail): it is most of a batch's memory.
        messages.push({ fetched: parsed.parseError === null ? { ...message, source: NO_SOURCE } : message, parsed });
      }
      done += batch.length;
      run.progress = { folder: run.folder.path, done, total };
      await commit(run, { messages, cursor: { ...run.cursor, ...cursorAfter(batch) } }, run.progress);
    }
    return true;
  } finally {
    await settle();
  }
}

const NO_SOURCE = Buffer.alloc(0);

export function planBatches(uids: readonly number[], sizes: ReadonlyMap<number, number>, maxMessages: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function commit(
  run: FolderRun,
  change: Omit<FolderBatch, 'folderId' | 'accountId' | 'cursor' | 'replaceOtherValidity' | 'syncedAt'> & { cursor?: FolderCursor },
  progress?: MailImportProgress,
): Promise<void> {
  const { context } = run;
  const cursor = change.cursor ?? run.cursor;
  const counts = await commitFolderBatch(
    context.db,
    context.lease,
    {
      ...change,
      folderId: run.folder.id,
      accountId: run.folder.accountId,
      cursor,
      replaceOtherValidity: run.replaceOtherValidity,
      syncedAt: context.now,
    },
    progress,
  );
  run.cursor = cursor;
  run.replaceOtherValidity = false;
  context.summary.added += counts.added;
  context.summary.updated += counts.updated;
  context.summary.removed += counts.removed;
  if (counts.added + counts.updated + counts.removed > 0) run.touched = true;
}

// ---------------------------------------------------------------------------------------------
// The one transaction per batch

export interface PreparedMessage {
  fetched: FetchedMessage;
  parsed: ParsedMessage;
}

export interface FolderBatch {
  folderId: string;
  accountId: string;
  /** The folder's cursor after this batch. */
  cursor: FolderCursor;
  messages?: readonly PreparedMessage[];
  /** Current flags by UID; only stored messages whose flags differ are written. */
  flagChanges?: ReadonlyMap<number, readonly string[]>;
  removedUids?: readonly number[];
  /** Delete every stored message of the folder from another UIDVALIDITY. */
  replaceOtherValidity?: boolean;
  syncedAt: Date;
}

export interface BatchCounts {
  added: number;
  updated: number;
  removed: number;
}

/**
 * Writes one batch and the folder's cursor in one transaction, after proving the lease is still
 * held with the same fencing token. Messages already stored (a batch replayed after a crash) are
 * skipped by the unique key, so replaying is harmless.
 */
export async function commitFolderBatch(db: Database, lease: Lease, batch: FolderBatch, progress?: MailImportProgress): Promise<BatchCounts> {
  return withLease(
    db,
    lease,
    async (tx) => {
      const counts: BatchCounts = { added: 0, updated: 0, removed: 0 };
      const validity = batch.cursor.uidValidity;
      if (batch.replaceOtherValidity) {
        const removed = await tx
          .delete(mailMessages)
          .where(and(eq(mailMessages.folderId, batch.folderId), ne(mailMessages.uidValidity, validity)))
          .returning({ id: mailMessages.id });
        counts.removed += removed.length;
      }
      if (batch.removedUids && batch.removedUids.length > 0) {
        counts.removed += await deleteUids(tx, batch.folderId, validity, batch.removedUids);
      }
      if (batch.flagChanges && batch.flagChanges.size > 0) {
        counts.updated += await updateFlags(tx, batch.folderId, validity, batch.flagChanges);
      }
      if (batch.messages && batch.messages.length > 0) {
        counts.added += await insertMessages(tx, batch, batch.messages);
      }
      const { uidNext, highestModseq, importedSince, fillSince, fillBelowUid } = batch.cursor;
      await tx
        .update(mailFolders)
        .set({ uidValidity: validity, uidNext, highestModseq, importedSince, fillSince, fillBelowUid, lastSyncedAt: batch.syncedAt })
        .where(eq(mailFolders.id, batch.folderId));
      return counts;
    },
    progress,
  );
}

async function deleteUids(tx: Transaction, folderId: string, uidValidity: number, uids: readonly number[]): Promise<number> {
  let removed = 0;
  for (const chunk of chunks(uids, MAX_IDS_PER_STATEMENT)) {
    const rows = await tx
      .delete(mailMessages)
      .where(and(eq(mailMessages.folderId, folderId), eq(mailMessages.uidValidity, uidValidity), inArray(mailMessages.uid, chunk)))
      .returning({ id: mailMessages.id });
    removed += rows.length;
  }
  return removed;
}

/** One UPDATE per distinct flag set (a "mark all as read" gives one), touching only rows that differ. */
async function updateFlags(tx: Transaction, folderId: string, uidValidity: number, flagsByUid: ReadonlyMap<number, readonly string[]>): Promise<number> {
  const uidsByFlags = new Map<string, { flags: string[]; uids: number[] }>();
  for (const [uid, flags] of flagsByUid) {
    const sorted = [...flags].sort();
    const key = JSON.stringify(sorted);
    const group = uidsByFlags.get(key) ?? { flags: sorted, uids: [] };
    group.uids.push(uid);
    uidsByFlags.set(key, group);
  }
  let updated = 0;
  for (const { flags, uids } of uidsByFlags.values()) {
    for (const chunk of chunks(uids, MAX_IDS_PER_STATEMENT)) {
      const rows = await tx
        .update(mailMessages)
        .set({ flags })
        .where(
          and(
            eq(mailMessages.folderId, folderId),
            eq(mailMessages.uidValidity, uidValidity),
            inArray(mailMessages.uid, chunk),
            sql`${mailMessages.flags} is distinct from ${sql.param(flags, mailMessages.flags)}`,
          ),
        )
        .returning({ id: mailMessages.id });
      updated += rows.length;
    }
  }
  return updated;
}

async function insertMessages(tx: Transaction, batch: FolderBatch, messages: readonly PreparedMessage[]): Promise<number> {
  const rows = messages.map(({ fetched, parsed }) => messageRow(batch, fetched, parsed));
  const inserted = await tx
    .insert(mailMessages)
    .values(rows)
    .onConflictDoNothing({ target: [mailMessages.folderId, mailMessages.uidValidity, mailMessages.uid] })
    .returning({ id: mailMessages.id, uid: mailMessages.uid });

  const parsedByUid = new Map(messages.map(({ fetched, parsed }) => [fetched.uid, parsed]));
  const attachmentRows = inserted.flatMap(({ id, uid }) =>
    (parsedByUid.get(uid)?.attachments ?? []).map((attachment) => ({
      id: attachment.id,
      messageId: id,
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      contentId: attachment.contentId,
      disposition: attachment.disposition,
      isInline: attachment.isInline,
      part: attachment.part,
      content: attachment.content,
    })),
  );
  let chunk: typeof attachmentRows = [];
  let chunkBytes = 0;
  for (const row of attachmentRows) {
    const bytes = row.content?.length ?? 0;
    if (chunk.length > 0 && (chunk.length >= MAX_IDS_PER_STATEMENT || chunkBytes + bytes > MAX_ATTACHMENT_INSERT_BYTES)) {
      await tx.insert(mailAttachments).values(chunk);
      chunk = [];
      chunkBytes = 0;
    }
    chunk.push(row);
    chunkBytes += bytes;
  }
  if (chunk.length > 0) await tx.insert(mailAttachments).values(chunk);
  return inserted.length;
}

function messageRow(batch: FolderBatch, fetched: FetchedMessage, parsed: ParsedMessage): PgInsertValue<typeof mailMessages> {
  return {
    accountId: batch.accountId,
    folderId: batch.folderId,
    uidValidity: batch.cursor.uidValidity,
    uid: fetched.uid,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    threadId: parsed.threadId,
    fromAddresses: parsed.from,
    toAddresses: parsed.to,
    ccAddresses: parsed.cc,
    bccAddresses: parsed.bcc,
    replyToAddresses: parsed.replyTo,
    subject: parsed.subject,
    sentAt: parsed.sentAt,
    receivedAt: fetched.internalDate ?? parsed.sentAt ?? batch.syncedAt,
    flags: fetched.flags,
    size: fetched.size,
    snippet: parsed.snippet,
    textBody: parsed.textBody,
    htmlBody: parsed.htmlBody,
    blockedRemoteImages: parsed.blockedRemoteImages,
    hasRemoteContent: parsed.hasRemoteContent,
    hasAttachments: parsed.hasAttachments,
    parseError: parsed.parseError,
    rawSource: parsed.parseError !== null ? fetched.source : null,
    search: sql`to_tsvector('simple', ${parsed.searchText})`,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

