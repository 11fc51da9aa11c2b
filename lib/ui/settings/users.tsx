'use client';

import { useTranslations } from 'next-intl';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/password-rules';
import { addUserAction, setUserActiveAction } from '@/lib/users/actions';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

export function AddUserForm() {
  const t = useTranslations('users');
  const auth = useTranslations('auth');
  const { result, pending, onSubmit, fieldError } = useActionForm(addUserAction);
  return (
    // A new key after each success empties the form for the next user; a failure keeps what was typed.
    <form key={result?.ok ? result.data.id : 'new'} onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
      <div className="sm:col-span-2">
        <FormAlert message={result && !result.ok ? result.error : null} />
        <FormAlert tone="success" message={result?.ok ? t('added', { email: result.data.email }) : null} />
      </div>
      <Field label={auth('name')} name="name" required error={fieldError('name')} />
      <Field label={auth('email')} name="email" type="email" required error={fieldError('email')} />
      <Field
        label={t('initialPassword')}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={auth('passwordHint', { min: MIN_PASSWORD_LENGTH })}
        error={fieldError('password')}
      />
      <Field label={auth('confirmPassword')} name="confirmPassword" type="password" autoComplete="new-password" required error={fieldError('confirmPassword')} />
      <label className="flex items-center gap-2 sm:col-span-2">
        <input type="checkbox" name="role" value="admin" />
        {t('makeAdmin')}
      </label>
      <div className="sm:col-span-2">
        <SubmitButton pending={pending} pendingLabel={t('adding')}>
          {t('add')}
        </SubmitButton>
      </div>
    </form>
  );
}

export function UserActiveToggle({ userId, isActive }: { userId: string; isActive: boolean }) {
  const t = useTranslations('users');
  const { result, pending, onSubmit } = useActionForm(setUserActiveAction);
  return (
    <form onSubmit={onSubmit} className="flex flex-col items-end gap-1">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="active" value={isActive ? 'false' : 'true'} />
      <button type="submit" disabled={pending} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60">
        {isActive ? t('deactivate') : t('reactivate')}
      </button>
      {result && !result.ok ? <p className="text-sm text-red-700">{result.error}</p> : null}
    </form>
  );
}
