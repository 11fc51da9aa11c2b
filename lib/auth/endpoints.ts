/**
 * The Auth.js endpoints under /api/auth/… that exist here. Auth.js answers an unknown action with
 * 400 but an unknown provider (`/api/auth/callback/nope`) with a redirect to its error page, and logs
 * an error either way; the route handler answers 404 to anything not in this list before Auth.js
 * sees it. The app itself signs in and out through server actions, not through these URLs.
 */
const PROVIDERS = ['credentials'];
const PLAIN = ['session', 'csrf', 'providers', 'signin', 'signout', 'error'];
const WITH_PROVIDER = ['signin', 'callback'];

export function isKnownAuthEndpoint(segments: readonly string[]): boolean {
  if (segments.length === 1) return PLAIN.includes(segments[0]!);
  if (segments.length === 2) return WITH_PROVIDER.includes(segments[0]!) && PROVIDERS.includes(segments[1]!);
  return false;
}
