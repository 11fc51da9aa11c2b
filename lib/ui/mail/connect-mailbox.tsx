'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { connectMailboxAction } from '@/lib/mail/account/actions';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { ManualSettingsForm } from './manual-settings-form';

/** The Inbox's first screen: address and password; falls back to the manual form, prefilled, when needed. */
export function ConnectMailbox({ defaultDisplayName }: { defaultDisplayName: string }) {
  const t = useTranslations('mailConnect');
  const { result, pending, onSubmit, fieldError } = useActionForm(connectMailboxAction);
  const [typedPassword, setTypedPassword] = useState('');
  const outcome = result?.ok ? result.data : undefined;

  if (outcome && !outcome.connected) {
    return (
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-1 text-lg font-medium">{t('manualTitle')}</h2>
        <p className="mb-4 text-sm text-slate-600">{t('manualIntro')}</p>
        <ManualSettingsForm mode="connect" initial={outcome.form} initialOutcome={outcome} typedPassword={typedPassword} />
      </section>
    );
  }

  return (
    <section className="max-w-md rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="mb-1 text-lg font-medium">{t('title')}</h2>
      <p className="mb-4 text-sm text-slate-600">{t('intro')}</p>
      <form
        onSubmit={(event) => {
          setTypedPassword(String(new FormData(event.currentTarget).get('password') ?? ''));
          onSubmit(event);
        }}
        className="flex flex-col gap-4"
        noValidate
      >
        <FormAlert message={result && !result.ok ? result.error : null} />
        <Field label={t('emailAddress')} name="emailAddress" type="email" autoComplete="email" required error={fieldError('emailAddress')} />
        <Field label={t('password')} name="password" type="password" autoComplete="off" required hint={t('passwordHint')} error={fieldError('password')} />
        <Field label={t('displayName')} name="displayName" defaultValue={defaultDisplayName} autoComplete="name" error={fieldError('displayName')} />
        <SubmitButton pending={pending} pendingLabel={t('detecting')}>
          {t('connect')}
        </SubmitButton>
      </form>
    </section>
  );
}
