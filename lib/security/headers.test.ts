import { describe, expect, it } from 'vitest';
import {
  API_CONTENT_SECURITY_POLICY,
  commonSecurityHeaders,
  createNonce,
  isApiPath,
  isHttpsRequest,
  pageContentSecurityPolicy,
} from './headers';

/** Splits a policy into directive name → source list, so tests can ask about one directive. */
function directives(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) parsed.set(name, sources);
  }
  return parsed;
}

describe('createNonce', () => {
  it('makes a different base64 value of 128 bits each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
    }
  });
});

describe('pageContentSecurityPolicy', () => {
  const production = directives(pageContentSecurityPolicy({ nonce: 'abc123==', isDevelopment: false }));

  it('allows only nonce-bearing scripts and what they load, without eval in production', () => {
    expect(production.get('script-src')).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(production.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('adds unsafe-eval in development only', () => {
    const development = directives(pageContentSecurityPolicy({ nonce: 'n', isDevelopment: true }));
    expect(development.get('script-src')).toContain("'unsafe-eval'");
  });

  it('lets inline style attributes work (a nonce on style-src would block them)', () => {
    expect(production.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("does not block the mail frame's remote images, which inherit this policy", () => {
    expect(production.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:', 'https:', 'http:']));
  });

  it('locks down plugins, base URLs, form targets, framing, connections, frames and fonts', () => {
    expect(production.get('default-src')).toEqual(["'self'"]);
    expect(production.get('object-src')).toEqual(["'none'"]);
    expect(production.get('base-uri')).toEqual(["'self'"]);
    expect(production.get('form-action')).toEqual(["'self'"]);
    expect(production.get('frame-ancestors')).toEqual(["'none'"]);
    expect(production.get('connect-src')).toEqual(["'self'"]);
    expect(production.get('frame-src')).toEqual(["'self'"]);
    expect(production.get('font-src')).toEqual(["'self'", 'data:']);
  });

  it('is one header line', () => {
    expect(pageContentSecurityPolicy({ nonce: 'n', isDevelopment: true })).not.toMatch(/[\r\n]/);
  });
});

describe('API_CONTENT_SECURITY_POLICY', () => {
  it("is at least as strict as the attachment route's own policy, which it replaces", () => {
    const api = directives(API_CONTENT_SECURITY_POLICY);
    expect(api.get('default-src')).toEqual(["'none'"]);
    expect(api.has('sandbox')).toBe(true);
    expect(api.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('commonSecurityHeaders', () => {
  it('sets referrer, sniffing, framing and permissions headers', () => {
    const headers = new Map(commonSecurityHeaders({ isHttps: false }));
    expect(headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(headers.get('X-Frame-Options')).toBe('DENY');
    const permissions = headers.get('Permissions-Policy') ?? '';
    for (const feature of ['camera', 'microphone', 'geolocation']) expect(permissions).toContain(`${feature}=()`);
  });

  it('sends HSTS only over HTTPS', () => {
    expect(new Map(commonSecurityHeaders({ isHttps: false })).has('Strict-Transport-Security')).toBe(false);
    expect(new Map(commonSecurityHeaders({ isHttps: true })).get('Strict-Transport-Security')).toBe('max-age=63072000; includeSubDomains');
  });
});

describe('isHttpsRequest', () => {
  it('trusts the first X-Forwarded-Proto hop, as TLS ends at the proxy in front of the app', () => {
    expect(isHttpsRequest('https', 'http:')).toBe(true);
    expect(isHttpsRequest('HTTPS, http', 'http:')).toBe(true);
    expect(isHttpsRequest('http, https', 'http:')).toBe(false);
    expect(isHttpsRequest('http', 'http:')).toBe(false);
  });

  it('falls back to the URL the app itself received', () => {
    expect(isHttpsRequest(null, 'https:')).toBe(true);
    expect(isHttpsRequest(null, 'http:')).toBe(false);
    expect(isHttpsRequest('', 'http:')).toBe(false);
  });
});

describe('isApiPath', () => {
  it('matches /api and below, not pages that merely start with the letters', () => {
    expect(isApiPath('/api')).toBe(true);
    expect(isApiPath('/api/health')).toBe(true);
    expect(isApiPath('/api/mail/attachments/1')).toBe(true);
    expect(isApiPath('/apitude')).toBe(false);
    expect(isApiPath('/inbox')).toBe(false);
  });
});
