'use client';

import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { startProviderSignInAction } from '@/lib/mail/account/actions';
import type { OAuthProviderId } from '@/lib/mail/oauth/client';

export type ProviderSignInResult = Awaited<ReturnType<typeof startProviderSignInAction>>;

/** Sends the browser to the provider once the server has answered with its sign-in URL. */
export function useProviderRedirect(result: ProviderSignInResult | null) {
  useEffect(() => {
    if (result?.ok && 'url' in result.data) window.location.assign(result.data.url);
  }, [result]);
}

/** True once the server answered with the provider's URL and the browser is on its way there. */
export const isRedirecting = (result: ProviderSignInResult | null) => Boolean(result?.ok && 'url' in result.data);

/** One submit button per configured provider; the form's handler tells them from its own submit by `name="provider"`. */
export function ProviderButtons({ providers, pending }: { providers: readonly OAuthProviderId[]; pending: boolean }) {
  const t = useTranslations('mailConnect');
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
      {providers.map((provider) => (
        <button
          key={provider}
          type="submit"
          name="provider"
          value={provider}
          disabled={pending}
          className="inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-60"
        >
          {pending ? t('redirecting') : t(`signInWith.${provider}`)}
        </button>
      ))}
    </div>
  );
}
