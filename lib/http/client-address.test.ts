import { describe, expect, it } from 'vitest';
import { clientAddressFrom } from './client-address';

const direct = { trustedProxyHops: 0, onVercel: false };
const oneProxy = { trustedProxyHops: 1, onVercel: false };

describe('clientAddressFrom', () => {
  it('ignores a client-written X-Forwarded-For when no proxy is trusted: the peer is the client', () => {
    for (const forged of ['6.6.6.6', '6.6.6.7, 10.0.0.1', 'unknown']) {
      const headers = new Headers({ 'x-forwarded-for': forged, 'x-crm-forwarded-for': forged, 'x-crm-peer-address': '203.0.113.9' });
      expect(clientAddressFrom(headers, direct)).toBe('203.0.113.9');
    }
  });

  it('behind one trusted proxy takes the address that proxy appended, not what the client wrote before it', () => {
    const headers = new Headers({ 'x-crm-forwarded-for': '6.6.6.6, 198.51.100.7', 'x-crm-peer-address': '10.0.0.2' });
    expect(clientAddressFrom(headers, oneProxy)).toBe('198.51.100.7');
    expect(clientAddressFrom(headers, { trustedProxyHops: 2, onVercel: false })).toBe('6.6.6.6');
  });

  it('a request that skipped the proxy is placed at the peer', () => {
    const headers = new Headers({ 'x-crm-forwarded-for': '', 'x-crm-peer-address': '198.51.100.8' });
    expect(clientAddressFrom(headers, { trustedProxyHops: 3, onVercel: false })).toBe('198.51.100.8');
  });

  it("on Vercel reads the platform's header, never X-Forwarded-For", () => {
    const headers = new Headers({ 'x-forwarded-for': '6.6.6.6', 'x-vercel-forwarded-for': '198.51.100.9' });
    expect(clientAddressFrom(headers, { trustedProxyHops: 0, onVercel: true })).toBe('198.51.100.9');
    expect(clientAddressFrom(new Headers({ 'x-forwarded-for': '6.6.6.6' }), { trustedProxyHops: 0, onVercel: true })).toBe('unknown');
  });

  it('without the start hook (next dev) falls back to what Next.js put in X-Forwarded-For', () => {
    expect(clientAddressFrom(new Headers({ 'x-forwarded-for': '127.0.0.1' }), direct)).toBe('127.0.0.1');
    expect(clientAddressFrom(new Headers(), direct)).toBe('unknown');
  });
});
