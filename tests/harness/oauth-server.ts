import { createPublicKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';
import type { OAuth2Validation } from './mail-servers';

/**
 * A real OAuth2/OpenID server on loopback (oauth2-mock-server), standing in for Microsoft's and
 * Google's sign-in in tests. Its authorize endpoint consents at once (for the address in
 * `login_hint`, or `consentAs()`); on top of the library it adds what the app's flows depend on:
 * tokens that carry the mailbox address (`email`, which Dovecot checks against the login), a
 * configurable lifetime, client authentication, single-use codes, and refresh tokens that can be revoked.
 */
export interface TestOAuthServer {
  /** Issuer URL, e.g. http://127.0.0.1:43123 (authorize at /authorize, token at /token). */
  url: string;
  clientId: string;
  clientSecret: string;
  /** What Dovecot needs to check the tokens. */
  validation: OAuth2Validation;
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Consent as this address instead of the login_hint (a user picking another account). */
  consentAs(email: string | undefined): void;
  /** Every refresh token issued to this address stops working (consent revoked, password changed). */
  revokeRefreshTokens(email: string): void;
  /** Grants by type since start, e.g. { authorization_code: 1, refresh_token: 2 }. */
  grants: Record<string, number>;
  /** Refresh tokens and access tokens handed out, to look for them in a database dump. */
  issuedSecrets(): string[];
  stop(): Promise<void>;
}

interface TokenRequest extends IncomingMessage {
  body: Record<string, string | undefined>;
}

export async function startOAuthServer(options: { clientId?: string; clientSecret?: string } = {}): Promise<TestOAuthServer> {
  const clientId = options.clientId ?? 'test-client';
  const clientSecret = options.clientSecret ?? 'test-client-secret';
  const server = new OAuth2Server();
  const key = await server.issuer.keys.generate('RS256', { kid: 'crm-test-key' });
  let ttlSeconds = 3600;
  let consentEmail: string | undefined;
  const emailByCode = new Map<string, string>();
  const refreshTokens = new Map<string, { email: string; revoked: boolean }>();
  const issued: string[] = [];
  const grants: Record<string, number> = {};

  server.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }, req: IncomingMessage) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const email = consentEmail ?? query.get('login_hint') ?? '';
    const code = redirect.url.searchParams.get('code');
    if (code) emailByCode.set(code, email.toLowerCase());
  });

  const emailFor = (req: TokenRequest): string | undefined => {
    const body = req.body;
    if (body.grant_type === 'authorization_code') return emailByCode.get(body.code ?? '');
    if (body.grant_type === 'refresh_token') {
      const entry = refreshTokens.get(body.refresh_token ?? '');
      return entry && !entry.revoked ? entry.email : undefined;
    }
    return undefined;
  };

  server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }, req: TokenRequest) => {
    const email = emailFor(req);
    if (email) token.payload.email = email;
    token.payload.exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  });

  server.service.on('beforeResponse', (response: { body: Record<string, unknown>; statusCode: number }, req: TokenRequest) => {
    const body = req.body;
    const grant = body.grant_type ?? 'unknown';
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    const [id, secret] = basic
      ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part))
      : [body.client_id, body.client_secret];
    if (id !== clientId || secret !== clientSecret) {
      response.statusCode = 401;
      response.body = { error: 'invalid_client' };
      return;
    }
    const email = emailFor(req);
    if (!email) {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'The refresh token or code is not valid (revoked, used or expired).' };
      return;
    }
    // A code is good for one exchange only.
    if (grant === 'authorization_code') emailByCode.delete(body.code ?? '');
    grants[grant] = (grants[grant] ?? 0) + 1;
    response.body.expires_in = ttlSeconds;
    if (grant === 'refresh_token') {
      // Like Microsoft, hand out a new refresh token each time; the old one stays valid, as there.
      refreshTokens.set(String(response.body.refresh_token), { email, revoked: false });
    } else {
      refreshTokens.set(String(response.body.refresh_token), { email, revoked: false });
    }
    issued.push(String(response.body.refresh_token), String(response.body.access_token));
  });

  await server.start(0, '127.0.0.1');
  const url = server.issuer.url!.replace(/\/$/, '');
  const publicKeyPem = createPublicKey({ key: key as unknown as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();

  return {
    url,
    clientId,
    clientSecret,
    validation: { publicKeyPem, kid: String(key.kid), alg: 'RS256' },
    setAccessTokenTtl: (seconds) => {
      ttlSeconds = seconds;
    },
    consentAs: (email) => {
      consentEmail = email?.toLowerCase();
    },
    revokeRefreshTokens: (email) => {
      for (const entry of refreshTokens.values()) if (entry.email === email.toLowerCase()) entry.revoked = true;
    },
    grants,
    issuedSecrets: () => [...issued],
    stop: () => server.stop(),
  };
}
