/**
 * The callback URL the provider sends the browser back to, on this app's own origin as the browser
 * sees it (X-Forwarded-Host/-Proto from the proxy in front, else Host): it must be registered with
 * the provider exactly so, e.g. https://crm.example.com/api/mail/oauth/callback.
 */
export const OAUTH_CALLBACK_PATH = '/api/mail/oauth/callback';

export function oauthRedirectUri(headers: Headers, fallbackProtocol: string): string {
  const host = (headers.get('x-forwarded-host') ?? headers.get('host') ?? '').split(',')[0]!.trim();
  const forwardedProto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const protocol = forwardedProto === 'http' || forwardedProto === 'https' ? forwardedProto : fallbackProtocol.replace(/:$/, '');
  return `${protocol}://${host}${OAUTH_CALLBACK_PATH}`;
}
