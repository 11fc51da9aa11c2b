import { getTranslations } from 'next-intl/server';
import type { MailImportProgress } from '@/db/schema';

/** Shown while an import runs: which folder (by the name the app gives it, e.g. "Inbox"), and how many of its messages are in. */
export async function ImportProgress({ progress, folderLabel }: { progress: MailImportProgress | null; folderLabel?: string }) {
  const t = await getTranslations('mailView');
  if (!progress) {
    return (
      <p role="status" className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
        {t('importStarting')}
      </p>
    );
  }
  const percent = progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div role="status" className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
      <p>{t('importing', { folder: folderLabel ?? progress.folder, done: progress.done, total: progress.total })}</p>
      <progress className="mt-2 h-2 w-full" max={progress.total || 1} value={progress.done} aria-label={t('importProgress', { percent })} />
    </div>
  );
}
