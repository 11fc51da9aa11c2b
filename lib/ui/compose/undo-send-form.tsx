'use client';

import { useTranslations } from 'next-intl';
import { setUndoSendAction } from '@/lib/mail/compose/actions';
import { FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

/** Settings → E-mail options: how long "Undo send" is offered. */
export function UndoSendForm({ seconds, choices }: { seconds: number; choices: readonly number[] }) {
  const t = useTranslations('compose.undoSetting');
  const { result, pending, onSubmit } = useActionForm(setUndoSendAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      <label htmlFor="undo-send-seconds" className="font-medium">
        {t('label')}
      </label>
      <p className="text-sm text-slate-600">{t('help')}</p>
      <select id="undo-send-seconds" name="seconds" defaultValue={String(seconds)} className="w-48 rounded-md border border-slate-300 px-3 py-2">
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice === 0 ? t('off') : t('seconds', { seconds: choice })}
          </option>
        ))}
      </select>
      <FormAlert message={result && !result.ok ? result.error : null} />
      {result?.ok ? <p role="status" className="text-sm text-green-800">{t('saved')}</p> : null}
      <div>
        <SubmitButton pending={pending} pendingLabel={t('saving')}>
          {t('save')}
        </SubmitButton>
      </div>
    </form>
  );
}
