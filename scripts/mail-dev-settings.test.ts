import { describe, expect, it } from 'vitest';
import { appCommand, PREFERRED_PORTS, requestedPorts } from './mail-dev-settings';

describe('npm run mail:dev settings', () => {
  it('prints a command that works as it is: the CA and the permission for a loopback mail server', () => {
    expect(appCommand('/tmp/x/ca.pem')).toBe('MAIL_ALLOW_PRIVATE_HOSTS=true NODE_EXTRA_CA_CERTS=/tmp/x/ca.pem npm run dev');
  });

  it('takes ports from the environment and keeps the memorable ones otherwise', () => {
    expect(requestedPorts({})).toEqual(PREFERRED_PORTS);
    expect(requestedPorts({ MAIL_DEV_IMAP_TLS_PORT: '2993', MAIL_DEV_SMTP_PLAIN_PORT: ' 2025 ' })).toEqual({
      ...PREFERRED_PORTS,
      imapTlsPort: 2993,
      smtpPlainPort: 2025,
    });
  });

  it('names the variable of a port that is not one', () => {
    expect(() => requestedPorts({ MAIL_DEV_IMAP_TLS_PORT: 'imap' })).toThrow('MAIL_DEV_IMAP_TLS_PORT must be a port number');
    expect(() => requestedPorts({ MAIL_DEV_SMTP_TLS_PORT: '70000' })).toThrow('MAIL_DEV_SMTP_TLS_PORT');
  });
});
