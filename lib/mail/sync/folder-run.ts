import type { MailFolder, MailImportProgress } from '@/db/schema';
import type { AccountContext } from './context';
import { commitFolderBatch, type FolderBatch } from './store';

/** Where a folder's import stands; the in-memory twin of the cursor columns of mail_folders. */
export interface FolderCursor {
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint | null;
  importedSince: Date | null;
  fillSince: Date | null;
  fillBelowUid: number | null;
}

export interface FolderResult {
  touched: boolean;
  workRemaining: boolean;
  progress: MailImportProgress | null;
}

export interface FolderRun {
  context: AccountContext;
  folder: MailFolder;
  cursor: FolderCursor;
  replaceOtherValidity: boolean;
  touched: boolean;
  progress: MailImportProgress | null;
}

export function unfinished(run: FolderRun): FolderResult {
  return { touched: run.touched, workRemaining: true, progress: run.progress };
}

/** Commits one change of the folder (a batch, flag changes, a cursor move) and counts it into the account's summary. */
export async function commit(
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
