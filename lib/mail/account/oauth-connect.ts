import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailOAuthStates, type MailOAuthServers } from '@/db/schema';
import { env } from '@/lib/env';
import {
  authorizationRequest,
  configuredOAuthProviders,
  exchangeAuthorizationCode,
  OAuthCallbackError,
  OAuthGrantRefusedError,
  oauthProviderConfig,
  oauthProviderForHost,
  type OAuthProviderId,
} from '@/lib/mail/oauth';
import { detectMailSettings, type AutodetectDeps } from './autodetect';
import { defaultAutodetectDeps } from './autodetect-deps';
import { verifyAndSave, type ConnectOutcome } from './connect';

/**
 * Connecting a mailbox by signing in with its provider: the authorization request (its state and
 * PKCE verifier kept in mail_oauth_states, bound to the user's session, usable once, for ten
 * minutes), and the callback that exchanges the code, verifies IMAP and SMTP with XOAUTH2 and only
 * then saves the account, exactly like the password path.
 */

const STATE_LIFETIME_MS = 10 * 60_000;

export type OAuthSignInProblem =
  | 'provider_not_configured'
  | 'provider_mismatch'
  | 'state_invalid'
  | 'state_expired'
  | 'access_denied'
  | 'provider_error'
  | 'grant_refused';

export class OAuthSignInError extends Error {
  override readonly name = 'OAuthSignInError';
  constructor(
    readonly problem: OAuthSignInProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The provider whose sign-in fits these mail servers, if the admin has configured it. */
export function oauthProviderForServers(servers: Pick<MailOAuthServers, 'imap' | 'smtp'>): OAuthProviderId | undefined {
  const provider = oauthProviderForHost(servers.imap.host) ?? oauthProviderForHost(servers.smtp.host);
  return provider && oauthProviderConfig(provider) ? provider : undefined;
}

/**
 * The provider sign-ins a saved account may switch to or reconnect with: the provider its servers
 * belong to (a token is never sent to other servers), or, with the admin's test server standing in
 * for the providers, any configured one.
 */
export function signInProvidersForServers(servers: Pick<MailOAuthServers, 'imap' | 'smtp'>): OAuthProviderId[] {
  if (env().mailOAuthTestServerUrl) return configuredOAuthProviders();
  const provider = oauthProviderForServers(servers);
  return provider ? [provider] : [];
}

/**
 * Which configured provider sign-in an address can use: its domain (gmail.com, outlook.com …), the
 * servers autodetection finds, or an MX record under Microsoft's or Google's mail hosts. With the
 * servers to verify after the sign-in; `provider` is undefined for a recognised address of another
 * provider (or of one not configured), and the whole answer undefined when nothing was found.
 */
export async function detectOAuthSignIn(
  emailAddress: string,
  deps: AutodetectDeps = defaultAutodetectDeps({ allowPrivate: env().mailAllowPrivateHosts }),
): Promise<{ provider: OAuthProviderId | undefined; servers: MailOAuthServers } | undefined> {
  const detected = await detectMailSettings(emailAddress, deps);
  if (!detected) return undefined;
  const servers: MailOAuthServers = { imap: detected.imap, smtp: detected.smtp, source: detected.source };
  return { provider: oauthProviderForServers(servers), servers };
}

export interface StartOAuthInput {
  userId: string;
  sessionId: string;
  provider: OAuthProviderId;
  emailAddress: string;
  displayName: string;
  /** Typed into the manual form; when absent they are detected from the address. */
  servers?: MailOAuthServers;
  redirectUri: string;
}

const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');

/** Starts a sign-in: returns the provider URL to send the browser to. */
export async function startOAuthSignIn(db: Database, input: StartOAuthInput, deps?: AutodetectDeps): Promise<URL> {
  const config = oauthProviderConfig(input.provider);
  if (!config) throw new OAuthSignInError('provider_not_configured', `Sign-in with ${input.provider} is not configured.`);
  let servers = input.servers;
  if (!servers) {
    const detected = await detectOAuthSignIn(input.emailAddress, deps);
    if (!detected || detected.provider !== input.provider) {
      throw new OAuthSignInError('provider_mismatch', `${input.emailAddress} is not a mailbox that signs in with ${input.provider}.`);
    }
    servers = detected.servers;
  }
  const request = await authorizationRequest(config, input.redirectUri, input.emailAddress);
  const now = new Date();
  // Abandoned sign-ins of this user go now rather than pile up.
  await db.delete(mailOAuthStates).where(and(eq(mailOAuthStates.userId, input.userId), lt(mailOAuthStates.expiresAt, now)));
  await db.insert(mailOAuthStates).values({
    stateHash: hashState(request.state),
    userId: input.userId,
    sessionId: input.sessionId,
    provider: input.provider,
    emailAddress: input.emailAddress,
    displayName: input.displayName,
    codeVerifier: request.codeVerifier,
    servers,
    expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS),
  });
  return request.url;
}

export interface FinishOAuthInput {
  userId: string;
  sessionId: string;
  /** The URL the provider redirected the browser to (code, state, or an error). */
  callbackUrl: URL;
  redirectUri: string;
}

/**
 * The provider's redirect back. The state is taken (deleted) before anything else, so it works once;
 * one that is unknown, expired or started by another session is refused before the code is used.
 */
export async function finishOAuthSignIn(db: Database, input: FinishOAuthInput): Promise<ConnectOutcome> {
  const state = input.callbackUrl.searchParams.get('state') ?? '';
  if (state === '' || state.length > 200) throw new OAuthSignInError('state_invalid', 'The sign-in answer has no valid state.');
  const [row] = await db.delete(mailOAuthStates).where(eq(mailOAuthStates.stateHash, hashState(state))).returning();
  if (!row || row.userId !== input.userId || row.sessionId !== input.sessionId) {
    throw new OAuthSignInError('state_invalid', 'The sign-in answer does not belong to a sign-in this session started (or was used already).');
  }
  if (row.expiresAt.getTime() < Date.now()) throw new OAuthSignInError('state_expired', 'The sign-in took too long; start it again.');
  const config = oauthProviderConfig(row.provider);
  if (!config) throw new OAuthSignInError('provider_not_configured', `Sign-in with ${row.provider} is not configured.`);

  let tokens;
  try {
    tokens = await exchangeAuthorizationCode(config, input.callbackUrl, state, input.redirectUri, row.codeVerifier);
  } catch (error) {
    if (error instanceof OAuthCallbackError) {
      throw new OAuthSignInError(error.reason === 'access_denied' ? 'access_denied' : 'provider_error', error.message);
    }
    if (error instanceof OAuthGrantRefusedError) throw new OAuthSignInError('grant_refused', error.message);
    throw error;
  }
  const { imap, smtp, source } = row.servers;
  return verifyAndSave(db, input.userId, {
    emailAddress: row.emailAddress,
    displayName: row.displayName,
    imap: { ...imap, password: '', accessToken: tokens.accessToken },
    smtp: { ...smtp, password: '', accessToken: tokens.accessToken },
    source,
    oauth: { provider: row.provider, tokens },
  });
}

/** What the callback route does with the provider's answer: where the browser goes next, and whether to import. */
export async function completeOAuthSignIn(
  db: Database,
  input: FinishOAuthInput,
): Promise<{ connected: true } | { connected: false; problem: OAuthSignInProblem | 'verification_failed' }> {
  try {
    const outcome = await finishOAuthSignIn(db, input);
    return outcome.connected ? { connected: true } : { connected: false, problem: 'verification_failed' };
  } catch (error) {
    if (error instanceof OAuthSignInError) return { connected: false, problem: error.problem };
    throw error;
  }
}
