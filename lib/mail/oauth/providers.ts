import type { MailOAuthProvider } from '@/db/schema';
import { env, type Env } from '@/lib/env';

/**
 * The two providers whose mailboxes sign in with OAuth2 (XOAUTH2 for IMAP and SMTP): where their
 * sign-in lives, the scopes IMAP and SMTP need, and how to recognise their mail servers.
 */

export type OAuthProviderId = MailOAuthProvider;

export const OAUTH_PROVIDER_IDS: readonly OAuthProviderId[] = ['microsoft', 'google'];

export interface OAuthProviderConfig {
  id: OAuthProviderId;
  clientId: string;
  clientSecret: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  scopes: string[];
  /** Extra authorization request parameters the provider needs for a refresh token. */
  extraAuthorizationParams: Record<string, string>;
  /** Microsoft's multi-tenant endpoints issue ID tokens from the user's own tenant. */
  idTokenIssuer?: (claims: Record<string, unknown>) => string;
  /** True for the loopback test server (plain http allowed). */
  testServer: boolean;
}

const SCOPES: Record<OAuthProviderId, string[]> = {
  // IMAP and SMTP AUTH on Exchange Online; offline_access for the refresh token.
  microsoft: ['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send', 'offline_access', 'openid', 'email'],
  // Gmail's IMAP and SMTP accept only this full-mail scope.
  google: ['https://mail.google.com/'],
};

/** The provider's configuration when the admin has set its client id and secret; undefined otherwise. */
export function oauthProviderConfig(id: OAuthProviderId, settings: Env = env()): OAuthProviderConfig | undefined {
  const testUrl = settings.mailOAuthTestServerUrl;
  if (id === 'microsoft') {
    const client = settings.microsoftOAuth;
    if (!client) return undefined;
    const base = `https://login.microsoftonline.com/${encodeURIComponent(client.tenant)}`;
    return {
      id,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      issuer: testUrl ?? `${base}/v2.0`,
      authorizationEndpoint: testUrl ? `${testUrl}/authorize` : `${base}/oauth2/v2.0/authorize`,
      tokenEndpoint: testUrl ? `${testUrl}/token` : `${base}/oauth2/v2.0/token`,
      scopes: SCOPES.microsoft,
      extraAuthorizationParams: {},
      ...(testUrl
        ? {}
        : { idTokenIssuer: (claims: Record<string, unknown>) => `https://login.microsoftonline.com/${String(claims.tid ?? client.tenant)}/v2.0` }),
      testServer: testUrl !== undefined,
    };
  }
  const client = settings.googleOAuth;
  if (!client) return undefined;
  return {
    id,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    issuer: testUrl ?? 'https://accounts.google.com',
    authorizationEndpoint: testUrl ? `${testUrl}/authorize` : 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: testUrl ? `${testUrl}/token` : 'https://oauth2.googleapis.com/token',
    scopes: SCOPES.google,
    // Google hands out a refresh token only for offline access, and again on a later sign-in only with prompt=consent.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    testServer: testUrl !== undefined,
  };
}

/** Which providers the admin has configured (for the connect form and Settings → System). */
export function configuredOAuthProviders(settings: Env = env()): OAuthProviderId[] {
  return OAUTH_PROVIDER_IDS.filter((id) => oauthProviderConfig(id, settings) !== undefined);
}

const MICROSOFT_HOSTS = [/(^|\.)office365\.com$/, /(^|\.)outlook\.com$/, /(^|\.)office\.com$/, /(^|\.)hotmail\.com$/, /(^|\.)live\.com$/];
const GOOGLE_HOSTS = [/(^|\.)gmail\.com$/, /(^|\.)googlemail\.com$/, /(^|\.)google\.com$/];

/**
 * The provider whose sign-in a mail server belongs to, from its host name: Exchange Online and
 * Outlook.com (outlook.office365.com, smtp.office365.com, *.mail.protection.outlook.com MX hosts …)
 * or Gmail and Google Workspace (imap.gmail.com, smtp.gmail.com, aspmx.l.google.com …).
 */
export function oauthProviderForHost(host: string): OAuthProviderId | undefined {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  if (MICROSOFT_HOSTS.some((pattern) => pattern.test(name))) return 'microsoft';
  if (GOOGLE_HOSTS.some((pattern) => pattern.test(name))) return 'google';
  return undefined;
}
