import { DrizzleQueryError } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorText, log } from './log';

describe('log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one JSON line with level, message and fields', () => {
    const out = vi.spyOn(console, 'error').mockImplementation(() => {});
    log('info', 'import pass', { accountId: 'a1', added: 3 });
    expect(out).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(out.mock.calls[0]![0]))).toMatchObject({ level: 'info', msg: 'import pass', accountId: 'a1', added: 3 });
  });

  it('leaves out lines below LOG_LEVEL', () => {
    const out = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.stubEnv('LOG_LEVEL', 'warn');
    log('info', 'request', { path: '/inbox' });
    log('warn', 'slow');
    vi.unstubAllEnvs();
    expect(out).toHaveBeenCalledTimes(1);
    expect(String(out.mock.calls[0]![0])).toContain('slow');
  });

  it('drops fields that look like secrets and reduces errors to text', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    log('warn', 'login failed', { password: 'hunter2', imapPassword: 'x', cookie: 'c', textBody: 'hello', error: new Error('boom') });
    const line = String(err.mock.calls[0]![0]);
    expect(line).not.toContain('hunter2');
    expect(JSON.parse(line)).toEqual({ time: expect.any(String), level: 'warn', msg: 'login failed', error: 'boom' });
  });
});

describe('errorText of a failed database statement', () => {
  it('keeps the driver message and drops the statement and its parameters', () => {
    const failed = new DrizzleQueryError('insert into mail_messages … $1', ['Dear Ann, the secret offer is attached'], new Error('duplicate key value'));
    expect(errorText(failed)).toBe('database error: duplicate key value');
  });
});
