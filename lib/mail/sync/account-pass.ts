import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, mailFolders, type MailAccount, type MailFolder, type MailImportProgress } from '@/db/schema';
import { EnvelopeError, KeyringError } from '@/lib/crypto/envelope';
import { errorText, log } from '@/lib/log';
import { mailboxCredentials, MailboxSignInError } from '@/lib/mail/account';
import {
  classifyFolders,
  classifyMailError,
  ImapSession,
  MailHostNotFoundError,
  MailHostRefusedError,
  type ClassifiedFolder,
  type ImapSessionOptions,
  type ListedFolderWithStatus,
} from '@/lib/mail/transport';
import { AccountFailure, outOfTime, type AccountContext, type PassContext } from './context';
import { importFolder, windowStartFor } from './folder-pass';
import { reprocessDuringPass } from './reprocess';
import { applyPendingOperations } from './write-back';
import { consecutiveFailuresOf, LeaseLostError, releaseLease, withLease, type Lease } from './lease';
import type { AccountImportSummary } from './pass';

// One account's pass: open the IMAP session, bring the folder list in line, import each selected
// folder, and record how it went (with back-off after failures).

const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;
/** Wrong passwords are retried slowly: the user has to reconnect anyway, and servers lock accounts that keep failing. */
const AUTH_BACKOFF_BASE_MS = 15 * 60 * 1000;
const ERROR_BACKOFF_BASE_MS = 60 * 1000;
/** Connection problems mark the account only when they persist, not on one network blip. */
const FAILURES_BEFORE_ACCOUNT_ERROR = 3;

export async function importAccount(context: PassContext, lease: Lease): Promise<AccountImportSummary> {
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
    written: 0,
    reprocessed: 0,
    errors: [],
    workRemaining: false,
    durationMs: 0,
  };
  const finish = () => ({ ...summary, durationMs: Date.now() - startedAt });
  // Deleted since it was found due: the sync row went with it (cascade).
  if (!account) return finish();

  let session: ImapSession | undefined;
  try {
    session = await openSession(context.db, account, { extensions: context.imapExtensions, ...(context.imapLogger ? { logger: context.imapLogger } : {}) });
    const accountContext: AccountContext = { ...context, lease, account, session, summary };
    // The user's changes first, so the sync below reads the server with them in; and again after
    // it, for changes made while a long import ran.
    summary.written += await applyPendingOperations(accountContext);
    const progress = await importFolders(accountContext);
    await reprocessSome(accountContext);
    summary.written += await applyPendingOperations(accountContext);
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
    // The lease is released already; LOGOUT's round trip need not hold the pass's slot (it cannot fail).
    void session?.close();
  }
  return finish();
}

export async function openSession(db: Database, account: MailAccount, options: ImapSessionOptions): Promise<ImapSession> {
  try {
    return await ImapSession.open((await mailboxCredentials(db, account)).imap, options);
  } catch (error) {
    // The provider refused to renew the sign-in: the same Reconnect as a wrong password.
    if (error instanceof MailboxSignInError) throw new AccountFailure('auth', error.message, { cause: error });
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

/**
 * After a deploy that changed the sanitizer or the tokenizer, every pass re-prepares a few of the
 * account's older messages (reprocess.ts), last and only when the import itself is caught up: new
 * mail always comes first.
 */
async function reprocessSome(context: AccountContext): Promise<void> {
  if (context.summary.workRemaining || outOfTime(context)) return;
  try {
    const counts = await reprocessDuringPass(context.db, context.lease, context.session, context.account, {
      deadline: context.deadline,
      stopSignal: context.stopSignal,
      batchMessages: context.maxBatchMessages,
      windowStart: windowStartFor(context.now, context.daysToDownload),
    });
    context.summary.reprocessed += counts.reprocessed;
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    if (!context.session.usable) throw new AccountFailure('other', `reprocessing: ${errorText(error)}`, { cause: error });
    context.summary.errors.push(`reprocessing: ${errorText(error)}`);
    log('warn', 'reprocessing mail failed', { accountId: context.account.id, error: errorText(error) });
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
