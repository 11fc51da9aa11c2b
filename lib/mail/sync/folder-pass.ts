import { and, eq } from 'drizzle-orm';
import { mailMessages, type MailFolder } from '@/db/schema';
import type { FolderStatus } from '@/lib/mail/transport';
import { importInBatches } from './batches';
import type { AccountContext } from './context';
import { commit, unfinished, type FolderCursor, type FolderResult, type FolderRun } from './folder-run';

// One folder's steps within a pass (see pass.ts for the order and why).

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

export async function importFolder(context: AccountContext, folder: MailFolder, listedStatus: FolderStatus | undefined): Promise<FolderResult> {
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
