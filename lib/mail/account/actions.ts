'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { after } from 'next/server';
import { z } from 'zod';
import type { Database } from '@/db';
import { authenticatedAction } from '@/lib/actions/action';
import { UserFacingError } from '@/lib/actions/errors';
import { emailField } from '@/lib/auth/schemas';
import { currentSessionId } from '@/lib/auth/session';
import { OAUTH_PROVIDER_IDS, type OAuthProviderId } from '@/lib/mail/oauth';
import { importAccountNow } from '@/lib/mail/sync';
import { deleteMailAccount, getMailAccount } from './accounts';
import { detectOAuthSignIn, OAuthSignInError, signInProvidersForServers, startOAuthSignIn } from './oauth-connect';
import { oauthRedirectUri } from './oauth-redirect';
import { ManualSettingsError, connectManually, connectWithAutodetect, manualOAuthServers, type ConnectOutcome, type ManualConnectInput, type ManualFormValues } from './connect';

const displayName = z.string().trim().max(200, 'nameTooLong').default('');
const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('false'), z.literal('')])
  .optional()
  .transform((value) => value === 'on' || value === 'true');
const server = z.string().trim().min(1, 'serverRequired').max(300, 'invalidServer');
const username = z.string().trim().min(1, 'usernameRequired').max(320, 'invalidValue');
const password = z.string().max(1024, 'passwordTooLong');

const autodetectSchema = z.object({
  emailAddress: emailField,
  password: z.string().min(1, 'passwordRequired').max(1024, 'passwordTooLong'),
  displayName,
});

const manualSchema = z.object({
  emailAddress: emailField,
  displayName,
  imapServer: server,
  imapUsername: username,
  imapPassword: password,
  imapSsl: checkbox,
  smtpServer: server,
  smtpUsername: username,
  smtpPassword: password.optional().default(''),
  /** The form's "same password as IMAP" (the SMTP password field is then not sent). */
  smtpPasswordSameAsImap: checkbox,
  smtpSsl: checkbox,
});

function toManualInput(input: z.output<typeof manualSchema>): ManualConnectInput {
  return {
    emailAddress: input.emailAddress,
    displayName: input.displayName,
    imap: { server: input.imapServer, username: input.imapUsername, password: input.imapPassword, ssl: input.imapSsl },
    smtp: {
      server: input.smtpServer,
      username: input.smtpUsername,
      password: input.smtpPasswordSameAsImap ? input.imapPassword : input.smtpPassword,
      ssl: input.smtpSsl,
    },
  };
}

/**
 * A newly connected (or re-verified) account is imported at once, after the response has gone out:
 * the user lands in the Inbox and watches the progress bar fill it. `after` keeps a serverless
 * function alive for it; a failure is recorded on the account by the importer itself.
 */
function afterConnect(db: Database, userId: string, outcome: ConnectOutcome): ConnectOutcome {
  if (!outcome.connected) return outcome;
  revalidatePath('/inbox');
  revalidatePath('/settings/email');
  after(async () => {
    const account = await getMailAccount(db, userId);
    if (account) await importAccountNow(db, account.id);
  });
  return outcome;
}

/** Step one: address and password; known providers are configured automatically and verified before saving. */
export const connectMailboxAction = authenticatedAction('mail.connect', autodetectSchema, async (input, { db, user }) => {
  if (await getMailAccount(db, user.id)) throw new UserFacingError('mail.alreadyConnected');
  return afterConnect(db, user.id, await connectWithAutodetect(db, user.id, input));
});

/** The manual form, for a new account or for editing the existing one (re-verified before saving). */
export const saveManualMailSettingsAction = authenticatedAction('mail.saveManualSettings', manualSchema, async (input, { db, user }) => {
  try {
    return afterConnect(db, user.id, await connectManually(db, user.id, toManualInput(input)));
  } catch (error) {
    if (error instanceof ManualSettingsError) {
      throw new UserFacingError(error.field.endsWith('Password') ? 'passwordRequired' : 'invalidServer', {}, error.field);
    }
    throw error;
  }
});

export const removeMailAccountAction = authenticatedAction('mail.removeAccount', z.object({}), async (_input, { db, user }) => {
  const removed = await deleteMailAccount(db, user.id);
  revalidatePath('/inbox');
  revalidatePath('/settings/email');
  return { removed };
});

const providerSignInSchema = z.object({
  provider: z.enum(OAUTH_PROVIDER_IDS as [OAuthProviderId, ...OAuthProviderId[]], { message: 'invalidValue' }),
  emailAddress: emailField.optional(),
  displayName,
  // From the manual form: the servers to use the provider's token with.
  imapServer: server.optional(),
  imapUsername: username.optional(),
  imapSsl: checkbox,
  smtpServer: server.optional(),
  smtpUsername: username.optional(),
  smtpSsl: checkbox,
});

type ProviderSignInStart = { url: string } | { needsServers: true; form: ManualFormValues };

/**
 * "Sign in with Microsoft / Google": for a new mailbox (the address typed, its servers detected), or
 * to reconnect or switch the connected one (its saved servers). Answers the provider URL the browser
 * goes to; the callback route finishes the connection.
 */
export const startProviderSignInAction = authenticatedAction('mail.startProviderSignIn', providerSignInSchema, async (input, { db, user }): Promise<ProviderSignInStart> => {
  const sessionId = await currentSessionId();
  if (!sessionId) throw new UserFacingError('notSignedIn');
  const existing = await getMailAccount(db, user.id);
  const requestHeaders = await headers();
  // A server action's POST names the page's origin; the callback route sees the same scheme.
  const originProtocol = URL.canParse(requestHeaders.get('origin') ?? '') ? new URL(requestHeaders.get('origin')!).protocol : 'https:';
  const redirectUri = oauthRedirectUri(requestHeaders, originProtocol);
  let start;
  if (!existing && input.emailAddress && input.imapServer && input.smtpServer && input.imapUsername && input.smtpUsername) {
    let servers;
    try {
      servers = manualOAuthServers({
        imap: { server: input.imapServer, username: input.imapUsername, ssl: input.imapSsl },
        smtp: { server: input.smtpServer, username: input.smtpUsername, ssl: input.smtpSsl },
      });
    } catch (error) {
      if (error instanceof ManualSettingsError) throw new UserFacingError('invalidServer', {}, error.field);
      throw error;
    }
    // The provider's token goes only to that provider's servers (or the admin's test stand-in).
    if (!signInProvidersForServers(servers).includes(input.provider)) throw new UserFacingError('mail.providerMismatch', {}, 'imapServer');
    start = { emailAddress: input.emailAddress, displayName: input.displayName, servers };
  } else if (existing) {
    const servers = {
      imap: { host: existing.imapHost, port: existing.imapPort, tls: existing.imapTls, username: existing.imapUsername },
      smtp: { host: existing.smtpHost, port: existing.smtpPort, tls: existing.smtpTls, username: existing.smtpUsername },
      source: existing.settingsSource,
    };
    if (!signInProvidersForServers(servers).includes(input.provider)) {
      throw new UserFacingError('mail.providerMismatch', {}, 'provider');
    }
    start = { emailAddress: existing.emailAddress, displayName: existing.displayName, servers };
  } else {
    if (!input.emailAddress) throw new UserFacingError('invalidEmail', {}, 'emailAddress');
    start = { emailAddress: input.emailAddress, displayName: input.displayName };
  }
  try {
    const url = await startOAuthSignIn(db, { userId: user.id, sessionId, provider: input.provider, redirectUri, ...start });
    return { url: url.toString() };
  } catch (error) {
    if (error instanceof OAuthSignInError && error.problem === 'provider_mismatch' && !existing && input.emailAddress) {
      // Not recognised as this provider's mailbox: the servers are asked for, as on the password path.
      const domain = input.emailAddress.split('@')[1] ?? '';
      const guess = (prefix: string) => ({ server: `${prefix}.${domain}`, username: input.emailAddress!, ssl: true });
      return { needsServers: true, form: { emailAddress: input.emailAddress, displayName: input.displayName, imap: guess('imap'), smtp: guess('smtp') } };
    }
    if (error instanceof OAuthSignInError) throw new UserFacingError(error.problem === 'provider_mismatch' ? 'mail.providerMismatch' : 'mail.providerNotConfigured', {}, 'emailAddress');
    throw error;
  }
});

/** While the address is typed: which configured provider sign-in it belongs to (by domain, servers or MX), so the form can offer that one first. */
export const detectProviderSignInAction = authenticatedAction('mail.detectProviderSignIn', z.object({ emailAddress: emailField }), async (input) => {
  const detected = await detectOAuthSignIn(input.emailAddress);
  // recognised without a provider: a mailbox elsewhere (iCloud, Yahoo …) that signs in with its password.
  return { provider: detected?.provider ?? null, recognised: detected !== undefined };
});
