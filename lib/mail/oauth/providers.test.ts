import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { authorizationRequest } from './grants';
import { configuredOAuthProviders, oauthProviderConfig, oauthProviderForHost } from './providers';

const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/crm', AUTH_SECRET: 'x'.repeat(40), MAIL_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
const both = parseEnv({ ...base, MICROSOFT_CLIENT_ID: 'ms-id', MICROSOFT_CLIENT_SECRET: 'ms-secret', GOOGLE_CLIENT_ID: 'g-id', GOOGLE_CLIENT_SECRET: 'g-secret' });

describe('oauthProviderForHost', () => {
  it.each([
    ['outlook.office365.com', 'microsoft'],
    ['smtp.office365.com', 'microsoft'],
    ['smtp-mail.outlook.com', 'microsoft'],
    ['contoso-com.mail.protection.outlook.com.', 'microsoft'],
    ['imap.gmail.com', 'google'],
    ['smtp.gmail.com', 'google'],
    ['aspmx.l.google.com', 'google'],
    ['IMAP.GOOGLEMAIL.COM', 'google'],
  ] as const)('%s belongs to %s', (host, provider) => {
    expect(oauthProviderForHost(host)).toBe(provider);
  });

  it.each(['imap.example.com', 'outlook.com.evil.example', 'notgmail.com', 'imap.mail.me.com'])('%s belongs to neither', (host) => {
    expect(oauthProviderForHost(host)).toBeUndefined();
  });
});

describe('provider configuration', () => {
  it('lists only the providers whose client id and secret are set', () => {
    expect(configuredOAuthProviders(parseEnv(base))).toEqual([]);
    expect(configuredOAuthProviders(both)).toEqual(['microsoft', 'google']);
  });

  it("uses Microsoft's tenant endpoints and Google's, or only the loopback test server when it is set", () => {
    expect(oauthProviderConfig('microsoft', both)).toMatchObject({
      authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      testServer: false,
    });
    expect(oauthProviderConfig('google', both)).toMatchObject({ tokenEndpoint: 'https://oauth2.googleapis.com/token', scopes: ['https://mail.google.com/'] });
    const test = parseEnv({ ...base, MICROSOFT_CLIENT_ID: 'a', MICROSOFT_CLIENT_SECRET: 'b', MAIL_OAUTH_TEST_SERVER_URL: 'http://127.0.0.1:4010' });
    expect(oauthProviderConfig('microsoft', test)).toMatchObject({ authorizationEndpoint: 'http://127.0.0.1:4010/authorize', tokenEndpoint: 'http://127.0.0.1:4010/token', testServer: true });
  });

  it('asks Microsoft for IMAP, SMTP and offline access, with PKCE (S256), a fresh state and the address as login hint', async () => {
    const config = oauthProviderConfig('microsoft', both)!;
    const first = await authorizationRequest(config, 'https://crm.example.com/api/mail/oauth/callback', 'anna@contoso.com');
    const second = await authorizationRequest(config, 'https://crm.example.com/api/mail/oauth/callback', 'anna@contoso.com');
    const params = first.url.searchParams;
    expect(params.get('scope')).toBe('https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid email');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).not.toBe(first.codeVerifier);
    expect(params.get('login_hint')).toBe('anna@contoso.com');
    expect(params.get('client_id')).toBe('ms-id');
    expect(params.has('client_secret')).toBe(false);
    expect(first.state).not.toBe(second.state);
    expect(params.get('state')).toBe(first.state);
  });

  it('asks Google for offline access with consent, so a refresh token comes back', async () => {
    const { url } = await authorizationRequest(oauthProviderConfig('google', both)!, 'https://crm.example.com/api/mail/oauth/callback', 'a@gmail.com');
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
  });
});
