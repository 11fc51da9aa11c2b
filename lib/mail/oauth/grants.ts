import * as oauth from 'oauth4webapi';
import type { OAuthProviderConfig } from './providers';

/**
 * The OAuth2 protocol steps, through oauth4webapi: the authorization request (code flow with PKCE
 * S256 and a state), the code exchange, and refreshing an access token.
 */

const REQUEST_TIMEOUT_MS = 15_000;

export interface OAuthTokens {
  accessToken: string;
  /** When the access token stops working; providers say "expires_in", we keep the moment. */
  accessTokenExpiresAt: Date;
  /** Absent when the provider keeps the old one (a refresh that does not rotate it). */
  refreshToken?: string;
}

/** The provider refused the grant for good (consent revoked, password changed, admin block): only a new sign-in helps. */
export class OAuthGrantRefusedError extends Error {
  override readonly name = 'OAuthGrantRefusedError';
  constructor(
    readonly oauthError: string,
    message: string,
  ) {
    super(message);
  }
}

/** The provider's redirect back carried an error (the user declined consent …) or did not belong to this request. */
export class OAuthCallbackError extends Error {
  override readonly name = 'OAuthCallbackError';
  constructor(
    readonly reason: 'access_denied' | 'provider_error' | 'invalid_response',
    message: string,
  ) {
    super(message);
  }
}

// oauth4webapi exports this hook for multi-tenant issuers (Entra ID's "common") without typing it.
const expectedIssuerHook = (oauth as unknown as { _expectedIssuer?: symbol })._expectedIssuer;

function server(config: OAuthProviderConfig): oauth.AuthorizationServer {
  const as: oauth.AuthorizationServer = {
    issuer: config.issuer,
    authorization_endpoint: config.authorizationEndpoint,
    token_endpoint: config.tokenEndpoint,
  };
  if (config.idTokenIssuer && expectedIssuerHook) {
    const issuerOf = config.idTokenIssuer;
    Object.assign(as, { [expectedIssuerHook]: (result: { claims: Record<string, unknown> }) => issuerOf(result.claims) });
  }
  return as;
}

function requestOptions(config: OAuthProviderConfig): oauth.TokenEndpointRequestOptions {
  return { signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(config.testServer ? { [oauth.allowInsecureRequests]: true } : {}) };
}

export interface AuthorizationRequest {
  url: URL;
  state: string;
  codeVerifier: string;
}

/** Where to send the browser to sign in; `state` and `codeVerifier` must be kept for the callback. */
export async function authorizationRequest(config: OAuthProviderConfig, redirectUri: string, loginHint: string): Promise<AuthorizationRequest> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(config.authorizationEndpoint);
  const params = {
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: config.scopes.join(' '),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    login_hint: loginHint,
    ...config.extraAuthorizationParams,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { url, state, codeVerifier };
}

function tokensFrom(result: oauth.TokenEndpointResponse, now: number): OAuthTokens {
  if (result.token_type !== 'bearer') throw new OAuthCallbackError('invalid_response', `unexpected token type ${result.token_type}`);
  // Without expires_in, assume the shortest lifetime either provider uses, so the token is refreshed early rather than late.
  const expiresInSeconds = typeof result.expires_in === 'number' && result.expires_in > 0 ? result.expires_in : 3000;
  return {
    accessToken: result.access_token,
    accessTokenExpiresAt: new Date(now + expiresInSeconds * 1000),
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
  };
}

function refusal(error: unknown): never {
  if (error instanceof oauth.ResponseBodyError && (error.error === 'invalid_grant' || error.error === 'unauthorized_client' || error.error === 'interaction_required')) {
    throw new OAuthGrantRefusedError(error.error, `The provider refused the sign-in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`);
  }
  throw error;
}

/**
 * Exchanges the code from the provider's redirect. `callbackUrl` is the URL the browser came back
 * with; its `state` has already been matched against the stored one by the caller.
 */
export async function exchangeAuthorizationCode(
  config: OAuthProviderConfig,
  callbackUrl: URL,
  expectedState: string,
  redirectUri: string,
  codeVerifier: string,
): Promise<OAuthTokens & { refreshToken: string }> {
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callbackUrl, expectedState);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new OAuthCallbackError(error.error === 'access_denied' ? 'access_denied' : 'provider_error', `${error.error}: ${error.error_description ?? ''}`);
    }
    throw new OAuthCallbackError('invalid_response', error instanceof Error ? error.message : String(error));
  }
  const startedAt = Date.now();
  try {
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(config.clientSecret), params, redirectUri, codeVerifier, requestOptions(config));
    const tokens = tokensFrom(await oauth.processAuthorizationCodeResponse(as, client, response), startedAt);
    if (!tokens.refreshToken) throw new OAuthCallbackError('invalid_response', 'the provider returned no refresh token (offline access not granted)');
    return { ...tokens, refreshToken: tokens.refreshToken };
  } catch (error) {
    return refusal(error);
  }
}

/** A new access token from the refresh token; OAuthGrantRefusedError when the provider will not give one any more. */
export async function refreshAccessToken(config: OAuthProviderConfig, refreshToken: string): Promise<OAuthTokens> {
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  const startedAt = Date.now();
  try {
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost(config.clientSecret), refreshToken, requestOptions(config));
    return tokensFrom(await oauth.processRefreshTokenResponse(as, client, response), startedAt);
  } catch (error) {
    return refusal(error);
  }
}
