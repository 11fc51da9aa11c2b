import crypto from 'node:crypto';
import os from 'node:os';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Logger } from 'imapflow';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import {
  mailAccounts,
  mailFolders,
  mailMessages,
  type MailAccount,
  type MailFolder,
  type MailImportProgress,
} from '@/db/schema';
import { EnvelopeError, KeyringError } from '@/lib/crypto/envelope';
import { env } from '@/lib/env';
import { errorText, log } from '@/lib/log';
import { classifyFolders, type ClassifiedFolder , ImapSession, type FetchedMessage, type FolderStatus, type ImapSessionOptions, type ListedFolderWithStatus, type SyncExtensions , MailHostNotFoundError, MailHostRefusedError , classifyMailError } from '@/lib/mail/transport';
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
import type { ParsedMessage } from '@/lib/mail/mime';
import { prepareBatch, type PreparedContent } from './prepare';
import { accountCredentials } from '@/lib/mail/account';

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
    return await ImapSession.open(accountCredentials(account).imap, options);
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
  // Batches flow through three stages at once: the next one downloads, the ones before it are
  // prepared (parsed, sanitized, tokenized), and the oldest
  // commits. Downloading waits on the mail server, committing on Postgres, preparing on the CPU, so
  // none of them waits for the others. Still only one FETCH is ever in flight, no other IMAP command
  // is sent until it has finished (see settle below), and commits stay one at a time and in order,
  // so the cursor only ever moves forward.
  const startFetch = (index: number) => {
    const batch = batches[index];
    if (!batch || outOfTime(context)) return null;
    const fetching = context.session.fetchMessages(batch);
    fetching.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    return fetching;
  };
  const preparing: { batch: number[]; fetched: Omit<FetchedMessage, 'source'>[]; prepared: Promise<PreparedContent[]> }[] = [];
  let prefetch = startFetch(0);
  let committing: Promise<void> | null = null;
  const commitOldest = async () => {
    const oldest = preparing.shift()!;
    const prepared = await oldest.prepared;
    const messages = oldest.fetched.map((fetched, index): PreparedMessage => {
      const { parsed, searchVector, unparsedSource } = prepared[index]!;
      return { fetched: { ...fetched, source: unparsedSource ?? NO_SOURCE }, parsed, searchVector };
    });
    // The previous batch must be in before this one's cursor is computed from run.cursor.
    await committing;
    done += oldest.batch.length;
    const progress = { folder: run.folder.path, done, total };
    run.progress = progress;
    committing = commit(run, { messages, cursor: { ...run.cursor, ...cursorAfter(oldest.batch) } }, progress);
    committing.catch(() => undefined); // awaited with the next batch or below
  };
  const settle = async () => {
    await prefetch?.catch(() => undefined);
    prefetch = null;
    await Promise.all(preparing.map((entry) => entry.prepared.catch(() => undefined)));
    await committing?.catch(() => undefined);
  };
  try {
    let fetchedAll = true;
    for (let index = 0; index < batches.length; index++) {
      if (!prefetch || outOfTime(context)) {
        fetchedAll = false;
        break;
      }
      const fetched = await prefetch;
      prefetch = startFetch(index + 1);
      // The sources go to the preparer alone, which lets go of each once it is prepared.
      const sources = fetched.map((message) => message.source);
      const metadata = fetched.map(({ uid, flags, internalDate, size }) => ({ uid, flags, internalDate, size }));
      preparing.push({ batch: batches[index]!, fetched: metadata, prepared: prepareBatch(sources) });
      if (preparing.length > 1) await commitOldest();
    }
    // What was downloaded is committed even when the budget ran out: it is ready, and quick to store.
    while (preparing.length > 0) await commitOldest();
    await committing;
    return fetchedAll;
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
  /** The tsvector literal of its search words (prepare.ts). */
  searchVector: string;
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
  // Asked outside the transaction: PGlite has one connection, which the transaction holds.
  const lz4 = await supportsLz4(db);
  return withLease(
    db,
    lease,
    async (tx) => {
      await tuneImportTransaction(tx, lz4);
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

/**
 * Settings for this transaction only.
 * - synchronous_commit off: the commit returns before its WAL reaches the disk. A database crash can
 *   then lose the last few batches, but each batch carries its folder cursor in the same
 *   transaction, so what is lost is forgotten as a whole and simply imported again by the next pass:
 *   never a gap, never a duplicate. Each commit stops waiting for a disk flush.
 * - lz4 for the bodies Postgres compresses (TOAST): several times cheaper than the default pglz for
 *   about the same size. Only where the server was built with it (PGlite is not).
 */
async function tuneImportTransaction(tx: Transaction, lz4: boolean): Promise<void> {
  await tx.execute(
    lz4
      ? sql`select set_config('synchronous_commit', 'off', true), set_config('default_toast_compression', 'lz4', true)`
      : sql`select set_config('synchronous_commit', 'off', true)`,
  );
}

const lz4Support = new WeakMap<Database, Promise<boolean>>();

function supportsLz4(db: Database): Promise<boolean> {
  let known = lz4Support.get(db);
  if (!known) {
    known = executeRows<{ lz4: boolean }>(
      db,
      sql`select coalesce(bool_or('lz4' = any(enumvals)), false) as lz4 from pg_settings where name = 'default_toast_compression'`,
    ).then(([row]) => row?.lz4 === true, () => false);
    lz4Support.set(db, known);
  }
  return known;
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

/**
 * The batch's messages and their attachments in one statement. The rows travel as one JSON document
 * that Postgres unpacks with json_to_recordset(): measured on the import benchmark, the query builder's
 * multi-row INSERT (about 27 parameters per message, each mapped and serialised on its own) cost the
 * importer more CPU than parsing the mail did, and this costs a fraction of it on both sides. The
 * search vector arrives as a ready tsvector (see search-tokens.ts).
 */
async function insertMessages(tx: Transaction, batch: FolderBatch, messages: readonly PreparedMessage[]): Promise<number> {
  const records = JSON.stringify(
    messages.map((message) => messageRecord(batch, message)),
    storableJsonValue,
  );
  const [result] = await executeRows<{ added: number }>(
    tx,
    sql`
      with batch as (
        select * from json_to_recordset(${records}::text::json) as r(
          uid bigint, message_id text, in_reply_to text, "references" text[], thread_id text,
          from_addresses jsonb, to_addresses jsonb, cc_addresses jsonb, bcc_addresses jsonb, reply_to_addresses jsonb,
          subject text, sent_at timestamptz, received_at timestamptz, flags text[], size integer, snippet text,
          text_body text, html_body text, blocked_remote_images integer, has_remote_content boolean, has_attachments boolean,
          parse_error text, raw_source text, search text, attachments json)
      ),
      inserted as (
        insert into mail_messages (
          account_id, folder_id, uid_validity, uid, message_id, in_reply_to, "references", thread_id,
          from_addresses, to_addresses, cc_addresses, bcc_addresses, reply_to_addresses,
          subject, sent_at, received_at, flags, size, snippet, text_body, html_body,
          blocked_remote_images, has_remote_content, has_attachments, parse_error, raw_source, search)
        select
          ${batch.accountId}::uuid, ${batch.folderId}::uuid, ${batch.cursor.uidValidity}::bigint, uid, message_id, in_reply_to, "references", thread_id,
          from_addresses, to_addresses, cc_addresses, bcc_addresses, reply_to_addresses,
          subject, sent_at, received_at, flags, size, snippet, text_body, html_body,
          blocked_remote_images, has_remote_content, has_attachments, parse_error, decode(raw_source, 'base64'), search::tsvector
        from batch
        on conflict (folder_id, uid_validity, uid) do nothing
        returning id, uid
      ),
      attachments as (
        insert into mail_attachments (id, message_id, filename, content_type, size, content_id, disposition, is_inline, part, content)
        select a.id, inserted.id, a.filename, a.content_type, a.size, a.content_id, a.disposition, a.is_inline, a.part, decode(a.content, 'base64')
        from inserted
        join batch using (uid)
        cross join lateral json_to_recordset(batch.attachments) as a(
          id uuid, filename text, content_type text, size integer, content_id text, disposition text, is_inline boolean, part text, content text)
      )
      select count(*)::integer as added from inserted`,
  );
  return Number(result?.added ?? 0);
}

/** A message as one JSON record of insertMessages(); the keys are the recordset's column names. */
function messageRecord(batch: FolderBatch, { fetched, parsed, searchVector }: PreparedMessage) {
  return {
    uid: fetched.uid,
    message_id: parsed.messageId,
    in_reply_to: parsed.inReplyTo,
    references: parsed.references,
    thread_id: parsed.threadId,
    from_addresses: parsed.from,
    to_addresses: parsed.to,
    cc_addresses: parsed.cc,
    bcc_addresses: parsed.bcc,
    reply_to_addresses: parsed.replyTo,
    subject: parsed.subject,
    sent_at: parsed.sentAt,
    received_at: fetched.internalDate ?? parsed.sentAt ?? batch.syncedAt,
    flags: fetched.flags,
    size: fetched.size,
    snippet: parsed.snippet,
    text_body: parsed.textBody,
    html_body: parsed.htmlBody,
    blocked_remote_images: parsed.blockedRemoteImages,
    has_remote_content: parsed.hasRemoteContent,
    has_attachments: parsed.hasAttachments,
    parse_error: parsed.parseError,
    raw_source: parsed.parseError !== null ? fetched.source.toString('base64') : null,
    search: searchVector,
    attachments: parsed.attachments.map((attachment) => ({
      id: attachment.id,
      filename: attachment.filename,
      content_type: attachment.contentType,
      size: attachment.size,
      content_id: attachment.contentId,
      disposition: attachment.disposition,
      is_inline: attachment.isInline,
      part: attachment.part,
      content: attachment.content?.toString('base64') ?? null,
    })),
  };
}

/**
 * Postgres text cannot hold U+0000, nor a lone UTF-16 surrogate (which JSON would carry as a \ud8xx
 * escape that Postgres refuses): mail from the wild and numeric character references produce both.
 */
function storableJsonValue(_key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '') : wellFormed;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

