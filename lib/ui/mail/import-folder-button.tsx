'use client';

import { useTranslations } from 'next-intl';
import { useTransition } from 'react';
import { importFolderAction } from '@/lib/mail/mailbox/actions';

/** "Import this folder": switches it on; its mail arrives with the pass this starts. */
export function ImportFolderButton({ folderId, folderName }: { folderId: string; folderName: string }) {
  const t = useTranslations('mailView');
  const [pending, startTransition] = useTransition();
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => startTransition(async () => void (await importFolderAction(null, { folderId })))}
      aria-label={t('importFolderNamed', { folder: folderName })}
      className="min-h-10 shrink-0 text-indigo-700 hover:underline disabled:text-slate-400"
    >
      {pending ? t('importFolderStarting') : t('importFolder')}
    </button>
  );
}
