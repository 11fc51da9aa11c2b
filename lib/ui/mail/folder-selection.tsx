'use client';

import { useTranslations } from 'next-intl';
import { setImportedFoldersAction } from '@/lib/mail/mailbox/actions';
import { FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

interface FolderChoice {
  id: string;
  name: string;
  path: string;
  specialUse: string | null;
  selectedForImport: boolean;
}

/** Which folders come into the CRM: Inbox and Sent by default, any other on request. */
export function FolderSelection({ folders }: { folders: FolderChoice[] }) {
  const t = useTranslations('mailOptionsPage');
  const view = useTranslations('mailView');
  const { result, pending, onSubmit } = useActionForm(setImportedFoldersAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" data-testid="folder-selection">
      <fieldset className="flex flex-col gap-2">
        <legend className="sr-only">{t('foldersTitle')}</legend>
        {folders.map((folder) => (
          <label key={folder.id} className="flex min-w-0 items-center gap-2 text-sm">
            <input type="checkbox" name="folderIds[]" value={folder.id} defaultChecked={folder.selectedForImport} />
            <span className="truncate">{folder.specialUse ? `${view(`folder.${folder.specialUse}`)} (${folder.path})` : folder.path}</span>
          </label>
        ))}
      </fieldset>
      <FormAlert message={result && !result.ok ? result.error : null} />
      <FormAlert tone="success" message={result?.ok ? t('foldersSaved') : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={t('saving')}>
          {t('saveFolders')}
        </SubmitButton>
      </div>
    </form>
  );
}
