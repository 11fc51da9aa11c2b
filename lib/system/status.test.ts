import { describe, expect, it } from 'vitest';
import { configurationStatus, importErrorKind } from './status';

describe('configurationStatus', () => {
  it('calls a secret generated for development "generated", not "not set"', () => {
    const status = configurationStatus({}, ['AUTH_SECRET', 'MAIL_ENCRYPTION_KEY']);
    expect(status.find((row) => row.name === 'AUTH_SECRET')?.state).toBe('generated');
    expect(status.find((row) => row.name === 'MAIL_ENCRYPTION_KEY')?.state).toBe('generated');
    expect(status.find((row) => row.name === 'CRON_SECRET')?.state).toBe('notSet');
    expect(configurationStatus({ AUTH_SECRET: 'x'.repeat(40) }, []).find((row) => row.name === 'AUTH_SECRET')?.state).toBe('set');
  });
});

describe('importErrorKind', () => {
  it.each([
    ['Invalid credentials (Failure)', 'auth'],
    ['The stored mailbox password cannot be decrypted (the encryption key changed): reconnect the mailbox.', 'auth'],
    ['getaddrinfo ENOTFOUND imap.example.com', 'hostNotFound'],
    ['connect ECONNREFUSED 127.0.0.1:993', 'refused'],
    ['Connection timed out', 'timeout'],
    ['self-signed certificate in certificate chain', 'certificate'],
    ['database error: relation does not exist', 'database'],
    ['Archive/2024: Mailbox does not exist', 'folder'],
    ['something odd', 'other'],
  ] as const)('%s → %s', (text, kind) => expect(importErrorKind(text)).toBe(kind));
});
