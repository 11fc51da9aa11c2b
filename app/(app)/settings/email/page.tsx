import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { getMailAccount, toAccountView , accountFormValues, signInProvidersForServers, type OAuthSignInProblem } from '@/lib/mail/account';
import { listAllFolders } from '@/lib/mail/mailbox';
import { CardSection, PageHeader } from '@/lib/ui/empty-state';
import { FormAlert } from '@/lib/ui/form';
import { getPreferences } from '@/lib/preferences/service';
import { AccountSignIn } from '@/lib/ui/mail/account-sign-in';
import { AccountSummary } from '@/lib/ui/mail/account-summary';
import { FolderSelection } from '@/lib/ui/mail/folder-selection';
import { ManualSettingsForm } from '@/lib/ui/mail/manual-settings-form';
import { RemoveAccount } from '@/lib/ui/mail/remove-account';
import { MailOptionsGeneralForm } from '@/lib/ui/settings/mail-options-general-form';
import { getUndoSendSeconds, UNDO_SEND_CHOICES } from '@/lib/mail/compose';
import { UndoSendForm } from '@/lib/ui/compose/undo-send-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('mailOptionsPage'))('title') };
}

const SIGN_IN_PROBLEMS: ReadonlySet<string> = new Set<OAuthSignInProblem | 'verification_failed'>([
  'provider_not_configured',
  'provider_mismatch',
  'state_invalid',
  'state_expired',
  'access_denied',
  'provider_error',
  'grant_refused',
  'verification_failed',
]);

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function MailOptionsPage({ searchParams }: Props) {
  const user = await requireUser();
  const query = await searchParams;
  // From the Inbox's Reconnect banner: the account editor opens with the cursor in the password.
  const reconnect = query.reconnect === '1';
  // Set by the provider sign-in's callback when it could not connect; anything else is ignored.
  const signIn = query.signIn;
  const signInProblem = typeof signIn === 'string' && SIGN_IN_PROBLEMS.has(signIn) ? signIn : null;
  const t = await getTranslations('mailOptionsPage');
  const db = await getDb();
  const [account, preferences, folders, undoSendSeconds] = await Promise.all([getMailAccount(db, user.id), getPreferences(db, user.id), listAllFolders(db, user.id), getUndoSendSeconds(db, user.id)]);
  const view = account ? toAccountView(account) : undefined;
  return (
    <div className="max-w-4xl">
      <PageHeader title={t('title')} />
      <CardSection id="mail-general-heading" title={t('generalTitle')} className="mb-6">
        <MailOptionsGeneralForm preferences={preferences} />
        <div className="mt-6 border-t border-slate-200 pt-6">
          <UndoSendForm seconds={undoSendSeconds} choices={UNDO_SEND_CHOICES} />
        </div>
      </CardSection>
      <CardSection id="mail-account-heading" title={t('accountTitle')}>
        {view ? (
          <div className="flex flex-col gap-6">
            <AccountSummary account={view} />
            <AccountSignIn authMethod={view.authMethod} provider={view.oauthProvider} providers={signInProvidersForServers(view)} problem={signInProblem} />
            {/* A provider sign-in reconnects through the provider (above); a password one in the editor. */}
            <details id="account-settings" className="rounded-md border border-slate-200 p-4" open={reconnect && view.authMethod === 'password'}>
              <summary className="cursor-pointer font-medium">{t('edit')}</summary>
              <div className="mt-4 flex flex-col gap-4">
                {reconnect && view.authMethod === 'password' ? <FormAlert tone="warning" message={t('reconnectHint')} /> : null}
                <ManualSettingsForm mode="edit" initial={accountFormValues(view)} focusPassword={reconnect && view.authMethod === 'password'} />
              </div>
            </details>
            {folders.length > 0 ? (
              <section aria-labelledby="folders-heading">
                <h3 id="folders-heading" className="mb-1 font-medium">
                  {t('foldersTitle')}
                </h3>
                <p className="mb-3 text-sm text-slate-600">{t('foldersHelp')}</p>
                <FolderSelection folders={folders} />
              </section>
            ) : null}
            <RemoveAccount emailAddress={view.emailAddress} />
          </div>
        ) : (
          <>
          {signInProblem ? <AccountSignIn authMethod={null} provider={null} providers={[]} problem={signInProblem} /> : null}
          <p className="text-sm text-slate-600">
            {t('noAccount')}{' '}
            <Link href="/inbox" className="font-medium text-indigo-700 hover:underline">
              {t('connectInInbox')}
            </Link>
          </p>
          </>
        )}
      </CardSection>
    </div>
  );
}
