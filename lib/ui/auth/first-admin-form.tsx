'use client';

import { useTranslations } from 'next-intl';
import { createFirstAdminAction } from '@/lib/auth/actions';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/password-rules';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

export function FirstAdminForm() {
  const t = useTranslations('auth');
  const { result, pending, onSubmit, fieldError } = useActionForm(createFirstAdminAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <h1 className="text-xl font-semibold">{t('setupTitle')}</h1>
      <p className="text-sm text-slate-600">{t('setupIntro')}</p>
      <FormAlert message={result && !result.ok ? result.error : null} />
      <Field label={t('name')} name="name" autoComplete="name" required error={fieldError('name')} />
      <Field label={t('email')} name="email" type="email" autoComplete="username" required error={fieldError('email')} />
      <Field
        label={t('password')}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        hint={t('passwordHint', { min: MIN_PASSWORD_LENGTH })}
        error={fieldError('password')}
      />
      <Field label={t('confirmPassword')} name="confirmPassword" type="password" autoComplete="new-password" required error={fieldError('confirmPassword')} />
      <SubmitButton pending={pending} pendingLabel={t('creating')}>
        {t('createAdmin')}
      </SubmitButton>
    </form>
  );
}
