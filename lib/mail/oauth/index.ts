// Signing in to a mailbox with its provider (OAuth2): Microsoft 365 / Outlook.com and Google. The
// protocol only; storing tokens and connecting the account is lib/mail/account's business.
export {
  configuredOAuthProviders,
  oauthProviderConfig,
  oauthProviderForHost,
  OAUTH_PROVIDER_IDS,
  type OAuthProviderConfig,
  type OAuthProviderId,
} from './providers';
export {
  authorizationRequest,
  exchangeAuthorizationCode,
  OAuthCallbackError,
  OAuthGrantRefusedError,
  refreshAccessToken,
  type AuthorizationRequest,
  type OAuthTokens,
} from './grants';
