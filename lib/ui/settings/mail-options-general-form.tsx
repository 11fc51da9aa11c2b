'use client';

import { useTranslations } from 'next-intl';
import { saveMailOptionsGeneralAction } from '@/lib/preferences/actions';
import type { Preferences } from '@/lib/preferences/service';
import { TextAreaField , FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

export type MailOptionsGeneral = Pick<Preferences, 'showRemoteImages' | 'markAsReadInPreview' | 'signature'>;

const switches = ['showRemoteImages', 'markAsReadInPreview'] as const;

/** E-mail options → General. Render it with the values from getPreferences(). */
export function MailOptionsGeneralForm({ preferences }: { preferences: MailOptionsGeneral }) {
  const t = useTranslations('mailOptions');
  const settings = useTranslations('settings');
  const { result, pending, onSubmit, fieldError } = useActionForm(saveMailOptionsGeneralAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      {switches.map((name) => (
        <label key={name} className="flex items-start gap-3">
          <input type="checkbox" name={name} defaultChecked={preferences[name]} aria-describedby={`${name}-description`} className="mt-1" />
          <span className="min-w-0">
            <span className="block font-medium">{t(`${name}.label`)}</span>
            <span id={`${name}-description`} className="block text-sm text-slate-600">
              {t(`${name}.description`)}
            </span>
          </span>
        </label>
      ))}
      <TextAreaField
        label={t('signature.label')}
        name="signature"
        defaultValue={preferences.signature}
        rows={5}
        hint={t('signature.hint')}
        error={fieldError('signature')}
      />
      <FormAlert message={result && !result.ok ? result.error : null} />
      <FormAlert tone="success" message={result?.ok ? settings('saved') : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={settings('saving')}>
          {t('save')}
        </SubmitButton>
      </div>
    </form>
  );
}
