'use client';

import { useTranslations } from 'next-intl';
import type { EmailClient } from '@/db/schema';
import { setEmailClientAction } from '@/lib/preferences/actions';
import { EMAIL_CLIENT_CHOICES } from '@/lib/ui/email-client-context';
import { FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

export function LocalSettingsForm({ emailClient }: { emailClient: EmailClient | null }) {
  const t = useTranslations('localSettings');
  const choices = useTranslations('preferences.emailClient');
  const settings = useTranslations('settings');
  const { result, pending, onSubmit, fieldError } = useActionForm(setEmailClientAction);
  const error = fieldError('emailClient');
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4">
      <fieldset className="flex flex-col gap-3" aria-describedby="email-client-help">
        <legend className="font-medium">{t('emailClientTitle')}</legend>
        <p id="email-client-help" className="text-sm text-slate-600">
          {t('emailClientHelp')}
        </p>
        {EMAIL_CLIENT_CHOICES.map((choice) => (
          <label key={choice} className="flex items-start gap-3 rounded-md border border-slate-200 p-3 has-[:checked]:border-indigo-500">
            <input
              type="radio"
              name="emailClient"
              value={choice}
              // Before the first answer the CRM's composer is what addresses open, so that is what is shown.
              defaultChecked={(emailClient ?? 'crm') === choice}
              aria-describedby={`email-client-${choice}-description`}
              className="mt-1"
            />
            <span className="min-w-0">
              <span className="block font-medium">{choices(`${choice}.label`)}</span>
              <span id={`email-client-${choice}-description`} className="block text-sm text-slate-600">
                {choices(`${choice}.description`)}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormAlert message={result && !result.ok ? (error ?? result.error) : null} />
      <FormAlert tone="success" message={result?.ok ? settings('saved') : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={settings('saving')}>
          {settings('save')}
        </SubmitButton>
      </div>
    </form>
  );
}
