/**
 * Server actions are POSTs carrying a `Next-Action` header. Next.js refuses one whose Origin is not
 * this site's host by throwing, which answers HTTP 500 and logs a stack as if the app had failed.
 * The proxy asks this first and answers 403 itself. The host is the one Next.js compares with:
 * X-Forwarded-Host, else Host (a cross-site page in a browser can set neither).
 */
export function isForeignServerActionRequest(method: string, headers: Headers): boolean {
  if (method !== 'POST' || !headers.has('next-action')) return false;
  const origin = headers.get('origin');
  // No Origin at all: not a browser's cross-site request; Next.js's own rules apply.
  if (origin === null) return false;
  const host = (headers.get('x-forwarded-host') ?? headers.get('host') ?? '').split(',')[0]!.trim().toLowerCase();
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return true; // "null" (sandboxed frames, some redirects) or garbage
  }
  return !host || originHost !== host;
}
