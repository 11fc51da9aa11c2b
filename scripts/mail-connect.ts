// npm run mail:connect -- --user <crm user e-mail> --email <address>
//   [--imap host[:port] --imap-ssl on|off --smtp host[:port] --smtp-ssl on|off --username U] [--name "Display Name"] [--no-import]
// The mailbox password comes from stdin (or a prompt). Runs the same detect + verify + save as the
// Inbox, for provisioning many users from a script, then the account's first import (one pass within
// IMPORT_TIME_BUDGET_SECONDS; the app's timer or cron continues it) unless --no-import.
import { parseArgs } from 'node:util';
import type { Database } from '@/db';
import { readSecret } from '@/lib/cli/read-secret';
import { runDatabaseCommand } from '@/lib/cli/run';
import { connectManually, connectWithAutodetect, ManualSettingsError, type ConnectOutcome, type ServerProblem , getMailAccount } from '@/lib/mail/account';
import { env } from '@/lib/env';
import { runImportPass } from '@/lib/mail/sync';
import { findUserByEmail } from '@/lib/users/service';

const usage =
  'Usage: npm run mail:connect -- --user crm-user@example.com --email mailbox@example.com ' +
  '[--imap host[:port] --imap-ssl on|off --smtp host[:port] --smtp-ssl on|off --username U] [--name "Display Name"] [--no-import]  (password on stdin)';

function describeProblem(protocol: string, problem: ServerProblem): string {
  return `  ${protocol}: ${problem.code} — ${problem.detail}${problem.serverAlert ? ` (server said: ${problem.serverAlert})` : ''}`;
}

function report(outcome: ConnectOutcome): number {
  if (outcome.connected) {
    console.log(`Connected ${outcome.emailAddress}.`);
    for (const warning of outcome.warnings) console.log(`  warning: ${warning === 'imap_plaintext' ? 'IMAP' : 'SMTP'} is not encrypted`);
    return 0;
  }
  if (outcome.reason === 'unknown_provider') {
    console.error('Could not recognise the mail provider; pass --imap, --smtp and the SSL flags.');
    return 1;
  }
  console.error('The settings did not work; nothing was saved:');
  if (outcome.imapProblem) console.error(describeProblem('IMAP', outcome.imapProblem));
  if (outcome.smtpProblem) console.error(describeProblem('SMTP', outcome.smtpProblem));
  return 1;
}

function sslFlag(value: string | undefined, name: string): boolean {
  if (value === 'on') return true;
  if (value === 'off' || value === undefined) return false;
  throw new Error(`--${name} takes on or off`);
}

async function connectCommand(db: Database): Promise<number> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      imap: { type: 'string' },
      'imap-ssl': { type: 'string' },
      smtp: { type: 'string' },
      'smtp-ssl': { type: 'string' },
      username: { type: 'string' },
      'no-import': { type: 'boolean', default: false },
    },
  });
  if (!values.user || !values.email || Boolean(values.imap) !== Boolean(values.smtp)) {
    console.error(usage);
    return 2;
  }
  const password = await readSecret(`Mailbox password for ${values.email}: `);
  const user = await findUserByEmail(db, values.user);
  if (!user || !user.isActive) {
    console.error(`No active CRM user ${values.user}.`);
    return 1;
  }
  const displayName = values.name ?? user.name;
  const outcome = await connectAs(db, user.id, { ...values, email: values.email }, password, displayName);
  if (outcome === null) return 2;
  const code = report(outcome);
  if (code !== 0 || values['no-import']) return code;
  const account = await getMailAccount(db, user.id);
  const summary = await runImportPass(db, { accountIds: [account!.id], budgetMs: env().importTimeBudgetSeconds * 1000 });
  const imported = summary.accounts[0];
  console.log(
    imported
      ? `First import: ${imported.added} message(s) added${imported.workRemaining ? '; the rest follows in the next import runs' : ''}.`
      : 'First import: nothing to do yet.',
  );
  return 0;
}

/** Detect + verify + save; null when the manual settings themselves are unusable (already reported). */
async function connectAs(
  db: Database,
  userId: string,
  values: { email: string; imap?: string; smtp?: string; 'imap-ssl'?: string; 'smtp-ssl'?: string; username?: string },
  password: string,
  displayName: string,
): Promise<ConnectOutcome | null> {
  if (!values.imap || !values.smtp) {
    return connectWithAutodetect(db, userId, { emailAddress: values.email, password, displayName });
  }
  const username = values.username ?? values.email;
  try {
    return await connectManually(db, userId, {
      emailAddress: values.email,
      displayName,
      imap: { server: values.imap, username, password, ssl: sslFlag(values['imap-ssl'], 'imap-ssl') },
      smtp: { server: values.smtp, username, password, ssl: sslFlag(values['smtp-ssl'], 'smtp-ssl') },
    });
  } catch (error) {
    if (error instanceof ManualSettingsError) {
      console.error(`${error.field}: ${error.message}`);
      return null;
    }
    throw error;
  }
}

runDatabaseCommand(connectCommand);

