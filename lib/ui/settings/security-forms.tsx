'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { changePasswordAction, signOutEverywhereAction } from '@/lib/auth/actions';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/password-rules';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

/** Current password, new password twice. Other devices are signed out when it changes. */
export function ChangePasswordForm() {
  const t = useTranslations('security');
  const auth = useTranslations('auth');
  const form = useRef<HTMLFormElement>(null);
  const { result, pending, onSubmit, fieldError } = useActionForm(changePasswordAction);
  useEffect(() => {
    if (result?.ok) form.current?.reset();
  }, [result]);
  return (
    <form ref={form} onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
      <Field label={t('currentPassword')} name="currentPassword" type="password" autoComplete="current-password" required error={fieldError('currentPassword')} />
      <Field
        label={t('newPassword')}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint={auth('passwordHint', { min: MIN_PASSWORD_LENGTH })}
        error={fieldError('newPassword')}
      />
      <Field label={auth('confirmPassword')} name="confirmPassword" type="password" autoComplete="new-password" required error={fieldError('confirmPassword')} />
      <FormAlert message={result && !result.ok ? result.error : null} />
      <FormAlert tone="success" message={result?.ok ? t('passwordChanged') : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={t('changingPassword')}>
          {t('changePassword')}
        </SubmitButton>
      </div>
    </form>
  );
}

export function SignOutEverywhereForm() {
  const t = useTranslations('security');
  const { result, pending, onSubmit } = useActionForm(signOutEverywhereAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      <FormAlert message={result && !result.ok ? result.error : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={t('signingOutEverywhere')}>
          {t('signOutEverywhere')}
        </SubmitButton>
      </div>
    </form>
  );
}
