'use client';

import { useTranslations } from 'next-intl';
import { signInAction } from '@/lib/auth/actions';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const t = useTranslations('auth');
  const { result, pending, onSubmit, fieldError } = useActionForm(signInAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <h1 className="text-xl font-semibold">{t('signInTitle')}</h1>
      <FormAlert message={result && !result.ok ? result.error : null} />
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
      <Field label={t('email')} name="email" type="email" autoComplete="username" required error={fieldError('email')} />
      <Field label={t('password')} name="password" type="password" autoComplete="current-password" required error={fieldError('password')} />
      <SubmitButton pending={pending} pendingLabel={t('signingIn')}>
        {t('signIn')}
      </SubmitButton>
    </form>
  );
}
