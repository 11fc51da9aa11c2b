'use client';

import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';
import { type ConnectOutcome, type ManualFormValues, type ServerProblem ,type  ProviderHelp } from '@/lib/mail/account';
import { saveManualMailSettingsAction, startProviderSignInAction } from '@/lib/mail/account/actions';
import type { OAuthProviderId } from '@/lib/mail/oauth/client';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { isRedirecting, ProviderButtons, useProviderRedirect } from './provider-sign-in';
import { ServerProblemMessage } from './server-problem';

interface Props {
  initial: ManualFormValues;
  /** 'edit' keeps stored passwords when the password fields stay empty. */
  mode: 'connect' | 'edit';
  /** The password typed in step one, carried over so the user need not type it twice. */
  typedPassword?: string;
  initialOutcome?: Extract<ConnectOutcome, { connected: false }>;
  /** Reconnecting after the server refused the saved password: the cursor starts in the password field. */
  focusPassword?: boolean;
  /** Provider sign-ins offered instead of the passwords, with these servers (new mailboxes only). */
  providers?: readonly OAuthProviderId[];
}

function ServerFields({
  protocol,
  values,
  problem,
  help,
  providerName,
  mode,
  typedPassword,
  samePassword,
  onSamePasswordChange,
  fieldError,
}: {
  protocol: 'imap' | 'smtp';
  values: ManualFormValues['imap'];
  problem?: ServerProblem;
  help?: ProviderHelp;
  providerName?: string;
  mode: Props['mode'];
  typedPassword?: string;
  /** SMTP only: whether it signs in with the IMAP password (its own field is then hidden). */
  samePassword?: boolean;
  onSamePasswordChange?: (same: boolean) => void;
  fieldError: (name: string) => string | undefined;
}) {
  const t = useTranslations('mailConnect');
  return (
    <fieldset
      className={`flex flex-col gap-3 rounded-md border p-4 ${problem ? 'border-red-400' : 'border-slate-200'}`}
      data-testid={`${protocol}-settings`}
      aria-invalid={problem ? true : undefined}
    >
      <legend className="px-1 font-medium">{t(`${protocol}Legend`)}</legend>
      {problem ? <ServerProblemMessage problem={problem} protocol={protocol} server={values.server} help={help} providerName={providerName} /> : null}
      <Field
        label={t(`${protocol}Server`)}
        name={`${protocol}Server`}
        defaultValue={values.server}
        required
        autoCapitalize="none"
        spellCheck={false}
        hint={t('serverHint', { example: protocol === 'imap' ? 'mail.example.com:993' : 'mail.example.com:465' })}
        error={fieldError(`${protocol}Server`)}
      />
      <Field
        label={t('username')}
        name={`${protocol}Username`}
        id={`${protocol}-username`}
        defaultValue={values.username}
        required
        autoCapitalize="none"
        spellCheck={false}
        error={fieldError(`${protocol}Username`)}
      />
      {onSamePasswordChange ? (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="smtpPasswordSameAsImap"
            checked={samePassword}
            onChange={(event) => onSamePasswordChange(event.currentTarget.checked)}
          />
          {t('samePassword')}
        </label>
      ) : null}
      {samePassword ? null : (
        <Field
          label={t('password')}
          name={`${protocol}Password`}
          id={`${protocol}-password`}
          type="password"
          autoComplete="off"
          defaultValue={typedPassword}
          placeholder={mode === 'edit' ? t('passwordUnchanged') : undefined}
          hint={mode === 'edit' ? t('passwordUnchangedHint') : undefined}
          error={fieldError(`${protocol}Password`)}
        />
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name={`${protocol}Ssl`} defaultChecked={values.ssl} />
        {t('ssl')}
      </label>
    </fieldset>
  );
}

/** IMAP and SMTP settings by hand: shown when the provider is unknown or verification failed, and for editing. */
export function ManualSettingsForm({ initial, mode, typedPassword, initialOutcome, focusPassword, providers = [] }: Props) {
  const t = useTranslations('mailConnect');
  const save = useActionForm(saveManualMailSettingsAction);
  const signIn = useActionForm(startProviderSignInAction);
  useProviderRedirect(signIn.result);
  const { result, pending } = save;
  const fieldError = (name: string) => signIn.fieldError(name) ?? save.fieldError(name);
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) =>
    (event.nativeEvent as SubmitEvent).submitter?.getAttribute('name') === 'provider' ? signIn.onSubmit(event) : save.onSubmit(event);
  const latest = result?.ok ? result.data : initialOutcome;
  const failed = latest && !latest.connected ? latest : undefined;
  const values = failed?.form ?? initial;
  const help = failed?.provider?.help;
  // Most providers take one login for both servers: a changed password is typed once, unless the
  // user (or a saved account with two different logins) keeps them apart. (When connecting, the
  // password typed in step one already fills both.)
  const [samePassword, setSamePassword] = useState(mode === 'edit' && initial.imap.username === initial.smtp.username);
  useEffect(() => {
    if (focusPassword) document.getElementById('imap-password')?.focus();
  }, [focusPassword]);

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate data-testid="manual-settings-form">
      {failed?.reason === 'unknown_provider' ? <FormAlert tone="info" message={t('unknownProvider')} /> : null}
      {failed?.reason === 'verification_failed' ? <FormAlert message={t('verificationFailed')} /> : null}
      <FormAlert message={result && !result.ok ? result.error : null} />
      <FormAlert message={signIn.result && !signIn.result.ok ? signIn.result.error : null} />
      {result?.ok && result.data.connected && mode === 'edit' ? <FormAlert tone="success" message={t('saved')} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t('emailAddress')} name="emailAddress" type="email" defaultValue={values.emailAddress} required error={fieldError('emailAddress')} />
        <Field label={t('displayName')} name="displayName" defaultValue={values.displayName} autoComplete="name" error={fieldError('displayName')} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <ServerFields protocol="imap" values={values.imap} problem={failed?.imapProblem} help={help} providerName={failed?.provider?.name} mode={mode} typedPassword={typedPassword} fieldError={fieldError} />
        <ServerFields
          protocol="smtp"
          values={values.smtp}
          problem={failed?.smtpProblem}
          help={help}
          providerName={failed?.provider?.name}
          mode={mode}
          typedPassword={typedPassword}
          samePassword={samePassword}
          onSamePasswordChange={mode === 'edit' ? setSamePassword : undefined}
          fieldError={fieldError}
        />
      </div>
      <div>
        <SubmitButton pending={pending} pendingLabel={t('verifying')}>
          {mode === 'edit' ? t('saveChanges') : t('connect')}
        </SubmitButton>
      </div>
      {providers.length > 0 && mode === 'connect' ? (
        <div className="flex flex-col gap-2 border-t border-slate-200 pt-3">
          <p className="text-sm text-slate-600">{t('providerWithServers')}</p>
          <ProviderButtons providers={providers} pending={signIn.pending || isRedirecting(signIn.result)} />
        </div>
      ) : null}
    </form>
  );
}
