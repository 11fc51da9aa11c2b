import { describe, expect, it } from 'vitest';
import { checkCronAuthorization } from './cron-auth';

const SECRET = 'a-long-cron-secret-0123456789';

describe('checkCronAuthorization', () => {
  it('accepts the bearer secret', () => {
    expect(checkCronAuthorization(`Bearer ${SECRET}`, SECRET, true)).toEqual({ ok: true });
    expect(checkCronAuthorization(`bearer  ${SECRET} `, SECRET, false)).toEqual({ ok: true });
  });

  it('refuses a missing, malformed or wrong secret with 401', () => {
    for (const header of [null, '', SECRET, `Basic ${SECRET}`, 'Bearer ', 'Bearer wrong', `Bearer ${SECRET}x`, `Bearer ${SECRET.slice(0, -1)}`]) {
      expect(checkCronAuthorization(header, SECRET, true), String(header)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('refuses everything without CRON_SECRET: 503 naming the problem in production, 401 elsewhere', () => {
    expect(checkCronAuthorization('Bearer anything', undefined, true)).toMatchObject({ ok: false, status: 503, error: expect.stringContaining('CRON_SECRET') });
    expect(checkCronAuthorization('Bearer anything', undefined, false)).toMatchObject({ ok: false, status: 401 });
    expect(checkCronAuthorization('Bearer ', '', false)).toMatchObject({ ok: false, status: 401 });
  });
});
