import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireAdmin } from '@/lib/auth/session';
import { appVersion, configurationStatus, downloadWindow, importErrorKind, importStatusByAccount, schemaVersion } from '@/lib/system/status';
import { env } from '@/lib/env';
import { configuredOAuthProviders, OAUTH_PROVIDER_IDS } from '@/lib/mail/oauth';
import { CardSection, PageHeader } from '@/lib/ui/empty-state';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('system'))('title') };
}

/** For admins: is mail flowing, and is the installation configured? Values of secrets are never shown. */
export default async function SystemPage() {
  await requireAdmin();
  const db = await getDb();
  const [t, format, accounts, schema] = await Promise.all([getTranslations('system'), getFormatter(), importStatusByAccount(db), schemaVersion(db)]);
  const window = downloadWindow();
  const testServer = env().mailOAuthTestServerUrl;
  const when = (date: Date | null) => (date ? format.dateTime(date, { dateStyle: 'short', timeStyle: 'medium' }) : t('never'));

  return (
    <div className="flex max-w-4xl flex-col gap-6">
      <PageHeader title={t('title')} />
      <CardSection id="system-import" title={t('importTitle')}>
        <p className="mb-3 text-sm" data-testid="download-window">
          {t(window.source === 'env' ? 'windowFromEnv' : 'windowDefault', { days: window.days })}
        </p>
        {accounts.length === 0 ? (
          <p className="text-sm text-slate-600">{t('noAccounts')}</p>
        ) : (
          <ul className="divide-y divide-slate-200" data-testid="import-status">
            {accounts.map((account) => (
              <li key={account.accountId} className="flex flex-col gap-0.5 py-3 text-sm">
                <span className="font-medium">
                  {account.emailAddress} <span className="font-normal text-slate-500">({account.owner})</span>
                </span>
                <span>
                  {t(`status.${account.status}`)} · {t('messages', { count: account.messages })}
                </span>
                <span className="text-slate-600">
                  {t('lastPass', { when: when(account.lastPassAt) })} · {t('nextPass', { when: when(account.nextPassAt) })}
                </span>
                {account.lastError ? (
                  <span className="text-red-700">
                    {t('lastError', { error: t(`errorKind.${importErrorKind(account.lastError)}`), failures: account.consecutiveFailures ?? 0 })}{' '}
                    <span className="text-slate-600">
                      ({t('serverSaid')} <q lang="en">{account.lastError}</q>)
                    </span>
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </CardSection>
      <CardSection id="system-configuration" title={t('configurationTitle')}>
        <ul className="flex flex-col gap-1 text-sm" data-testid="configuration">
          {configurationStatus().map(({ name, state }) => (
            <li key={name}>
              <code>{name}</code>: {t(state)}
            </li>
          ))}
        </ul>
      </CardSection>
      <CardSection id="system-providers" title={t('providersTitle')}>
        <ul className="flex flex-col gap-1 text-sm" data-testid="sign-in-providers">
          {OAUTH_PROVIDER_IDS.map((provider) => (
            <li key={provider}>
              {t(`providerName.${provider}`)}: {configuredOAuthProviders().includes(provider) ? t('providerConfigured') : t('providerNotConfigured')}
            </li>
          ))}
        </ul>
        {testServer ? <p className="mt-2 text-sm text-amber-800">{t('providerTestServer', { url: testServer })}</p> : null}
      </CardSection>
      <CardSection id="system-version" title={t('versionTitle')} className="text-sm">
        <p>{t('appVersion', { version: appVersion() })}</p>
        <p data-testid="schema-version">
          {schema.upToDate ? t('schemaUpToDate', { version: schema.expected }) : t('schemaBehind', { applied: schema.applied ?? t('never'), expected: schema.expected })}
        </p>
      </CardSection>
    </div>
  );
}
