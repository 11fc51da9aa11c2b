import { describe, expect, it } from 'vitest';
import { isForeignServerActionRequest } from './origin';

const action = (headers: Record<string, string>, method = 'POST') =>
  isForeignServerActionRequest(method, new Headers({ 'next-action': 'abc123', host: 'crm.example.com', ...headers }));

describe('isForeignServerActionRequest', () => {
  it('refuses a server action from another site, a null origin, or an unreadable one', () => {
    expect(action({ origin: 'https://evil.example' })).toBe(true);
    expect(action({ origin: 'https://crm.example.com.evil.example' })).toBe(true);
    expect(action({ origin: 'https://crm.example.com:8443' })).toBe(true);
    expect(action({ origin: 'null' })).toBe(true);
    expect(action({ origin: 'not a url' })).toBe(true);
  });

  it('lets this site through, behind a proxy too', () => {
    expect(action({ origin: 'https://crm.example.com' })).toBe(false);
    expect(action({ origin: 'https://CRM.example.com' })).toBe(false);
    expect(action({ origin: 'https://crm.example.com', host: 'app:3000', 'x-forwarded-host': 'crm.example.com' })).toBe(false);
  });

  it('leaves everything that is not a server action to the app', () => {
    expect(action({ origin: 'https://evil.example' }, 'GET')).toBe(false);
    expect(isForeignServerActionRequest('POST', new Headers({ origin: 'https://evil.example', host: 'crm.example.com' }))).toBe(false);
    expect(action({})).toBe(false);
  });
});
