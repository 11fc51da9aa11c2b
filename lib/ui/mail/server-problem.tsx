'use client';

import { useTranslations } from 'next-intl';
import { type ServerProblem ,type  ProviderHelp } from '@/lib/mail/account';

// Problems that a provider-specific how-to (enable IMAP, create an app password) can solve.
const LOGIN_PROBLEMS = new Set<ServerProblem['code']>(['auth_failed', 'imap_disabled', 'app_password_required']);

/** One half's failure in the user's language, with the server's own words and the provider's how-to. */
export function ServerProblemMessage({
  problem,
  protocol,
  server,
  help,
  providerName,
  id,
}: {
  problem: ServerProblem;
  protocol: 'imap' | 'smtp';
  server: string;
  help?: ProviderHelp;
  /** The recognised provider, for problems with servers the user did not type. */
  providerName?: string;
  id?: string;
}) {
  const t = useTranslations('mailConnect');
  return (
    <div id={id} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p>{t(`problem.${problem.code}`, { protocol: protocol.toUpperCase(), server, provider: providerName ?? server })}</p>
      {problem.serverAlert ? <p className="mt-1">{t('serverSaid', { alert: problem.serverAlert })}</p> : null}
      {help && LOGIN_PROBLEMS.has(problem.code) ? <p className="mt-1 font-medium">{t(`help.${help}`)}</p> : null}
    </div>
  );
}
