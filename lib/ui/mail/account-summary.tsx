import { getTranslations } from 'next-intl/server';
import type { MailAccountView } from '@/lib/mail/account';
import { FormAlert } from '@/lib/ui/form';

/** The connected mailbox's settings as text (never the password), with a warning for unencrypted halves. */
export async function AccountSummary({ account }: { account: MailAccountView }) {
  const t = await getTranslations('mailConnect');
  const rows = (['imap', 'smtp'] as const).map((protocol) => {
    const server = account[protocol];
    return (
      <div key={protocol} className="min-w-0">
        <dt className="text-xs font-medium uppercase text-slate-500">{protocol.toUpperCase()}</dt>
        <dd className="truncate text-sm" data-testid={`${protocol}-summary`}>
          {server.host}:{server.port} · {t(`tls.${server.tls}`)} · {server.username}
        </dd>
      </div>
    );
  });
  const plaintext = account.imap.tls === 'none' || account.smtp.tls === 'none';
  return (
    <div className="flex flex-col gap-3">
      <p className="font-medium" data-testid="connected-address">
        {account.displayName ? `${account.displayName} <${account.emailAddress}>` : account.emailAddress}
      </p>
      <dl className="grid gap-2 sm:grid-cols-2">{rows}</dl>
      {plaintext ? <FormAlert tone="warning" message={t('plaintextWarning')} /> : null}
    </div>
  );
}
