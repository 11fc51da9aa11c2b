/**
 * The security headers every response carries, as pure functions so they can be unit-tested and
 * read in one place. proxy.ts applies them; nothing here touches a request or a response.
 */

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** Two years, the value HSTS preload lists ask for. */
const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** 128 random bits: a nonce only has to be unguessable for the lifetime of one page. */
const NONCE_BYTES = 16;

/**
 * A fresh nonce for one request, base64 so it is valid inside 'nonce-…'. Web Crypto rather than
 * node:crypto keeps this usable in whichever runtime the proxy is compiled for.
 */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return btoa(String.fromCharCode(...bytes));
}

export interface PagePolicyOptions {
  nonce: string;
  /** React needs eval in development to rebuild server error stacks; never in production. */
  isDevelopment: boolean;
}

/**
 * The Content-Security-Policy of HTML pages.
 *
 * - script-src: only scripts carrying this request's nonce; Next.js reads the nonce from this same
 *   policy on the request and stamps it on its own scripts. 'strict-dynamic' lets those scripts load
 *   the chunks they need; 'self' is only a fallback for browsers without 'strict-dynamic'.
 * - style-src 'unsafe-inline': React and Tailwind write style attributes, which a nonce cannot cover
 *   (nonces apply to <style> elements only), so a nonce here would break the layout. Styles cannot run
 *   script, and script-src stays strict.
 * - img-src https: http:: mail bodies are shown in a srcdoc iframe (lib/ui/mail/html-body-frame.tsx),
 *   and an about:srcdoc document is bound by its parent's policy on top of its own meta policy. The
 *   frame's own policy already decides which images a mail may load (none from the web until the
 *   reader asks); this outer one must not block them once the reader has chosen to see them. Images
 *   cannot run script.
 * - frame-src 'self': the only frames are our own srcdoc mail frames.
 * - connect-src 'self': server actions, RSC requests and (in development) the HMR socket.
 */
export function pageContentSecurityPolicy({ nonce, isDevelopment }: PagePolicyOptions): string {
  const scriptSources = ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"];
  if (isDevelopment) scriptSources.push("'unsafe-eval'");
  return [
    "default-src 'self'",
    `script-src ${scriptSources.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https: http:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The Content-Security-Policy of API responses (JSON, attachment downloads): nothing in them may
 * load, run or be framed. Headers set by the proxy take precedence over a route handler's header of
 * the same name (Next.js only adds a handler's header when none is present yet), so this must be at
 * least as strict as any route's own policy: the attachment route asks for `default-src 'none';
 * sandbox`, hence the sandbox here.
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

/** Features the CRM never uses; turning them off means injected content cannot ask for them either. */
const DISABLED_BROWSER_FEATURES = ['camera', 'microphone', 'geolocation', 'payment', 'usb'];

export interface SecurityHeaderOptions {
  /** Only then HSTS: browsers ignore it over plain HTTP, and sending it there would only mislead. */
  isHttps: boolean;
}

/** The headers that do not depend on the kind of response: pages and API routes both get them. */
export function commonSecurityHeaders({ isHttps }: SecurityHeaderOptions): HeaderList {
  const headers: Array<readonly [string, string]> = [
    // Full URLs (which can hold message ids) stay on our origin; other sites see the origin only.
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    ['X-Content-Type-Options', 'nosniff'],
    // frame-ancestors says the same for current browsers; this header covers older ones.
    ['X-Frame-Options', 'DENY'],
    ['Permissions-Policy', DISABLED_BROWSER_FEATURES.map((feature) => `${feature}=()`).join(', ')],
  ];
  if (isHttps) headers.push(['Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`]);
  return headers;
}

/**
 * Whether the browser reached us over HTTPS. Behind a TLS-terminating proxy (Vercel, a load
 * balancer, Caddy …) the app itself sees HTTP and only X-Forwarded-Proto tells; it may list one
 * protocol per hop, and the first is the client's. A client can forge the header, but the only
 * effect is an HSTS header on a plain-HTTP response, which browsers ignore.
 */
export function isHttpsRequest(forwardedProto: string | null, urlProtocol: string): boolean {
  const clientProtocol = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  return clientProtocol === 'https' || urlProtocol === 'https:';
}

/** Route handlers under /api answer with data, never with a page that runs our scripts. */
export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}
