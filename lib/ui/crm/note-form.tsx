'use client';

import { useTranslations } from 'next-intl';
import { addNoteAction } from '@/lib/crm/timeline/actions';
import { FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

export function NoteForm({ recordKind, recordId }: { recordKind: string; recordId: string }) {
  const t = useTranslations('crm');
  const { result, pending, onSubmit, fieldError } = useActionForm(addNoteAction);
  return (
    <form key={result?.ok ? result.data.id : 'note'} onSubmit={onSubmit} className="flex flex-col gap-2" noValidate>
      <input type="hidden" name="recordKind" value={recordKind} />
      <input type="hidden" name="recordId" value={recordId} />
      <label htmlFor="note-body" className="sr-only">
        {t('addNote')}
      </label>
      <textarea
        id="note-body"
        name="body"
        rows={2}
        placeholder={t('notePlaceholder')}
        aria-invalid={fieldError('body') ? true : undefined}
        className="w-full rounded-md border border-slate-300 px-3 py-2 text-base"
      />
      <FormAlert message={result && !result.ok ? (fieldError('body') ?? result.error) : null} />
      <FormAlert tone="success" message={result?.ok ? t('noteSaved') : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={t('saving')}>
          {t('addNote')}
        </SubmitButton>
      </div>
    </form>
  );
}
