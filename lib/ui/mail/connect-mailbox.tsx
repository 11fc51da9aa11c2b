'use client';

import { useTranslations } from 'next-intl';
import { startTransition, useActionState, useState } from 'react';
import { connectMailboxAction, detectProviderSignInAction, startProviderSignInAction } from '@/lib/mail/account/actions';
import type { OAuthProviderId } from '@/lib/mail/oauth/client';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { ManualSettingsForm } from './manual-settings-form';
import { isRedirecting, ProviderButtons, useProviderRedirect } from './provider-sign-in';

/**
 * The Inbox's first screen: address, then the provider's sign-in (Microsoft, Google) when the admin
 * configured it, or the password; falls back to the manual form, prefilled, when needed.
 */
export function ConnectMailbox({ defaultDisplayName, providers }: { defaultDisplayName: string; providers: readonly OAuthProviderId[] }) {
  const t = useTranslations('mailConnect');
  const connect = useActionForm(connectMailboxAction);
  const signIn = useActionForm(startProviderSignInAction);
  useProviderRedirect(signIn.result);
  // Once the address is typed, the provider it belongs to is offered alone; an address of another known
  // provider gets none; unknown addresses keep every button (their servers are then asked for).
  const [detection, detect] = useActionState(detectProviderSignInAction, null);
  const detected = detection?.ok ? detection.data : undefined;
  const matching = detected?.provider ? [detected.provider] : detected?.recognised ? [] : providers;
  const { result, pending } = connect;
  const fieldError = (name: string) => signIn.fieldError(name) ?? connect.fieldError(name);
  const failure = signIn.result && !signIn.result.ok ? signIn.result.error : result && !result.ok ? result.error : null;
  const [typedPassword, setTypedPassword] = useState('');
  const outcome = result?.ok ? result.data : undefined;

  const needsServers = signIn.result?.ok && 'needsServers' in signIn.result.data ? signIn.result.data.form : undefined;
  if (needsServers) {
    return (
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-1 text-lg font-medium">{t('manualTitle')}</h2>
        <p className="mb-4 text-sm text-slate-600">{t('providerServersIntro')}</p>
        <ManualSettingsForm mode="connect" initial={needsServers} providers={providers} />
      </section>
    );
  }

  if (outcome && !outcome.connected) {
    return (
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-1 text-lg font-medium">{t('manualTitle')}</h2>
        <p className="mb-4 text-sm text-slate-600">{t('manualIntro')}</p>
        <ManualSettingsForm mode="connect" initial={outcome.form} initialOutcome={outcome} typedPassword={typedPassword} providers={providers} />
      </section>
    );
  }

  return (
    <section className="max-w-md rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="mb-1 text-lg font-medium">{t('title')}</h2>
      <p className="mb-4 text-sm text-slate-600">{t('intro')}</p>
      <form
        onSubmit={(event) => {
          if ((event.nativeEvent as SubmitEvent).submitter?.getAttribute('name') === 'provider') return signIn.onSubmit(event);
          setTypedPassword(String(new FormData(event.currentTarget).get('password') ?? ''));
          connect.onSubmit(event);
        }}
        className="flex flex-col gap-4"
        noValidate
      >
        <FormAlert message={failure} />
        <Field
          label={t('emailAddress')}
          name="emailAddress"
          type="email"
          autoComplete="email"
          required
          error={fieldError('emailAddress')}
          onBlur={(event) => {
            const emailAddress = event.currentTarget.value.trim();
            if (providers.length > 0 && emailAddress.includes('@')) startTransition(() => detect({ emailAddress }));
          }}
        />
        {matching.length > 0 ? (
          <>
            <p className="text-sm text-slate-600">{t('providerIntro')}</p>
            <ProviderButtons providers={matching} pending={signIn.pending || isRedirecting(signIn.result)} />
            <p className="border-t border-slate-200 pt-3 text-sm font-medium text-slate-700">{t('orPassword')}</p>
          </>
        ) : null}
        <Field label={t('password')} name="password" type="password" autoComplete="off" required hint={t('passwordHint')} error={fieldError('password')} />
        <Field label={t('displayName')} name="displayName" defaultValue={defaultDisplayName} autoComplete="name" error={fieldError('displayName')} />
        <SubmitButton pending={pending} pendingLabel={t('detecting')}>
          {t('connect')}
        </SubmitButton>
      </form>
    </section>
  );
}
