import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { FolderListEntry } from '@/lib/mail/mailbox';
import { ImportFolderButton } from './import-folder-button';

/**
 * Every folder of the account: imported ones link to their mail, with the unread count; the others
 * can be switched on with one click. A list beside the messages on wide screens, a row of chips that
 * scrolls within itself on a phone (the page never scrolls sideways).
 */
export async function FolderNav({ folders, currentFolderId, conversations }: { folders: FolderListEntry[]; currentFolderId: string | null; conversations: boolean }) {
  const t = await getTranslations('mailView');
  const label = (folder: FolderListEntry) => (folder.specialUse ? t(`folder.${folder.specialUse}`) : folder.name);
  const imported = folders.filter((folder) => folder.selectedForImport);
  const others = folders.filter((folder) => !folder.selectedForImport);
  return (
    <nav aria-label={t('folders')} className="flex min-w-0 flex-col gap-3">
      <ul className="flex gap-2 overflow-x-auto pb-1 lg:flex-col lg:gap-0.5 lg:overflow-visible lg:pb-0" data-testid="folder-list">
        {imported.map((folder) => {
          const current = folder.id === currentFolderId;
          return (
            <li key={folder.id} className="shrink-0">
              <Link
                href={`/inbox?folder=${folder.id}${conversations ? '&view=conversations' : ''}`}
                aria-current={current ? 'page' : undefined}
                className={`flex min-h-10 items-center justify-between gap-2 rounded-full border px-3 text-sm lg:rounded-md lg:border-0 ${
                  current ? 'border-indigo-600 bg-indigo-50 font-medium text-indigo-700' : 'border-slate-300 text-slate-700 hover:bg-slate-100'
                }`}
              >
                <span className="truncate">{label(folder)}</span>
                {folder.unread > 0 ? (
                  <span className="text-xs font-semibold" aria-label={t('unreadCount', { count: folder.unread })}>
                    {folder.unread}
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
      {others.length > 0 ? (
        <details className="text-sm lg:open:pb-2">
          <summary className="min-h-10 cursor-pointer content-center px-3 text-slate-600">{t('otherFolders', { count: others.length })}</summary>
          <ul className="mt-1 flex flex-col gap-0.5">
            {others.map((folder) => (
              <li key={folder.id} className="flex min-w-0 items-center justify-between gap-2 px-3">
                <span className="truncate text-slate-600">{label(folder)}</span>
                <ImportFolderButton folderId={folder.id} folderName={label(folder)} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </nav>
  );
}
