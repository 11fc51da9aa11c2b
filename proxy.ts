import { NextResponse, type NextRequest } from 'next/server';
import { log } from '@/lib/log';
import {
  API_CONTENT_SECURITY_POLICY,
  commonSecurityHeaders,
  createNonce,
  isApiPath,
  isHttpsRequest,
  pageContentSecurityPolicy,
} from '@/lib/security/headers';
import { isForeignServerActionRequest } from '@/lib/security/origin';

/**
 * Puts the security headers on every page and API response. This is deliberately not an auth gate:
 * pages, route handlers and server actions check the session themselves (a matcher change here must
 * never be able to open anything up).
 */
export function proxy(request: NextRequest): NextResponse {
  // One line per request for the operator. The path only: query strings can carry addresses
  // (/inbox/compose?to=…), and nothing identifying the user or their session is written.
  log('info', 'request', { method: request.method, path: request.nextUrl.pathname });
  const headers = commonSecurityHeaders({
    isHttps: isHttpsRequest(request.headers.get('x-forwarded-proto'), request.nextUrl.protocol),
  });

  if (isForeignServerActionRequest(request.method, request.headers)) {
    // A cross-site form or script calling one of our server actions: refused, and said so.
    log('warn', 'server action refused: foreign origin', { path: request.nextUrl.pathname, origin: request.headers.get('origin') });
    const refused = new NextResponse('Forbidden: cross-site request', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    for (const [name, value] of headers) refused.headers.set(name, value);
    refused.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
    return refused;
  }
  if (isApiPath(request.nextUrl.pathname)) {
    const response = NextResponse.next();
    for (const [name, value] of headers) response.headers.set(name, value);
    response.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
    return response;
  }

  const nonce = createNonce();
  const policy = pageContentSecurityPolicy({ nonce, isDevelopment: process.env.NODE_ENV === 'development' });
  // Next.js finds the nonce in the request's Content-Security-Policy and puts it on its own scripts;
  // x-nonce is for our code, should a component ever need to pass it to a <Script>. Both overwrite
  // whatever the client sent under those names.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of headers) response.headers.set(name, value);
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Build output and optimised images are immutable files with no scripts to protect; skipping them
  // saves a proxy run per asset. Everything else, pages and /api alike, gets the headers.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
