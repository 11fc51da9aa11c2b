'use client';

import { useTranslations } from 'next-intl';
import { setLanguageAction } from '@/lib/settings/actions';
import { FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

const choices = ['browser', 'en', 'sv'] as const;

export function LanguageForm({ current }: { current: (typeof choices)[number] }) {
  const t = useTranslations('settings');
  const { result, pending, onSubmit } = useActionForm(setLanguageAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      <fieldset className="flex flex-col gap-2">
        <legend className="sr-only">{t('languageTitle')}</legend>
        {choices.map((choice) => (
          <label key={choice} className="flex items-center gap-2">
            <input type="radio" name="locale" value={choice} defaultChecked={current === choice} />
            {t(`language.${choice}`)}
          </label>
        ))}
      </fieldset>
      <FormAlert message={result && !result.ok ? result.error : null} />
      <FormAlert tone="success" message={result?.ok ? t('saved') : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={t('saving')}>
          {t('save')}
        </SubmitButton>
      </div>
    </form>
  );
}
