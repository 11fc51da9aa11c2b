'use client';

import { useTranslations } from 'next-intl';
import { startProviderSignInAction } from '@/lib/mail/account/actions';
import type { OAuthProviderId } from '@/lib/mail/oauth/client';
import { FormAlert } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { isRedirecting, ProviderButtons, useProviderRedirect } from './provider-sign-in';

/**
 * E-mail options: how the connected mailbox signs in, and the provider's sign-in to reconnect with
 * (after a refused refresh) or to switch to from a password. Switching back to a password is the
 * edit form below: saving it with a password replaces the tokens.
 */
export function AccountSignIn({
  authMethod,
  provider,
  providers,
  problem,
}: {
  /** Null when no mailbox is connected (only a sign-in problem to show). */
  authMethod: 'password' | 'oauth2' | null;
  provider: OAuthProviderId | null;
  providers: readonly OAuthProviderId[];
  problem: string | null;
}) {
  const t = useTranslations('mailConnect');
  const signIn = useActionForm(startProviderSignInAction);
  useProviderRedirect(signIn.result);
  const current = authMethod === 'oauth2' && provider ? provider : 'password';
  return (
    <section className="flex flex-col gap-3" aria-label={t('signsInWith.password')} data-testid="account-sign-in">
      {authMethod ? (
        <p className="text-sm" data-testid="sign-in-method">
          {t(`signsInWith.${current}`)}
        </p>
      ) : null}
      <FormAlert message={problem ? t(`signInProblem.${problem}`) : null} />
      <FormAlert message={signIn.result && !signIn.result.ok ? signIn.result.error : null} />
      {providers.length > 0 ? (
        <form onSubmit={signIn.onSubmit} className="flex flex-col gap-2" noValidate>
          <p className="text-sm text-slate-600">{current === 'password' ? t('switchToProvider') : t('reconnectWithProvider')}</p>
          <ProviderButtons providers={providers} pending={signIn.pending || isRedirecting(signIn.result)} />
        </form>
      ) : null}
      {authMethod && current !== 'password' ? <p className="text-sm text-slate-600">{t('switchToPassword')}</p> : null}
    </section>
  );
}
