import { describe, expect, it } from 'vitest';
import {
  defaultImapPort,
  defaultSmtpPort,
  HostPortError,
  normalizeHost,
  parseHostPort,
} from './host-port';

describe('parseHostPort', () => {
  it.each([
    ['my.mail.server', { host: 'my.mail.server', port: 993 }],
    ['my.mail.server:143', { host: 'my.mail.server', port: 143 }],
    ['  My.Mail.Server:993  ', { host: 'my.mail.server', port: 993 }],
    ['mail.example.com.', { host: 'mail.example.com', port: 993 }],
    ['localhost', { host: 'localhost', port: 993 }],
    ['mail-1.example.co.uk:1', { host: 'mail-1.example.co.uk', port: 1 }],
    ['mail.example.com:65535', { host: 'mail.example.com', port: 65535 }],
    ['192.0.2.10', { host: '192.0.2.10', port: 993 }],
    ['192.0.2.10:587', { host: '192.0.2.10', port: 587 }],
    ['[2001:db8::1]:993', { host: '2001:db8::1', port: 993 }],
    ['[2001:DB8::1]', { host: '2001:db8::1', port: 993 }],
    ['2001:db8::1', { host: '2001:db8::1', port: 993 }],
    ['::1', { host: '::1', port: 993 }],
    ['[::ffff:192.0.2.1]:25', { host: '::ffff:192.0.2.1', port: 25 }],
    ['mail.bücher.de', { host: 'mail.xn--bcher-kva.de', port: 993 }],
  ])('accepts %j', (input, expected) => {
    expect(parseHostPort(input, 993)).toEqual(expected);
  });

  it.each([
    ['', /Enter a server address/],
    ['   ', /Enter a server address/],
    ['imap://mail.example.com', /without a prefix/],
    ['IMAPS://mail.example.com:993', /without a prefix/],
    ['mail example.com', /spaces/],
    ['mail.example.com :993', /spaces/],
    ['mail.example.com:', /port is missing/],
    ['mail.example.com:0', /out of range/],
    ['mail.example.com:65536', /out of range/],
    ['mail.example.com:000993', /out of range/],
    ['mail.example.com:99x', /not a number/],
    ['mail.example.com:-1', /not a number/],
    ['mail.example.com:+993', /not a number/],
    ['[2001:db8::1', /without a matching "\]"/],
    ['2001:db8::1]', /without a matching "\["/],
    ['[2001:db8::1]993', /only a port may follow/],
    ['[2001:db8::1]:', /port is missing/],
    ['[mail.example.com]:993', /not a valid IPv6/],
    ['[fe80::1%eth0]', /not a valid IPv6/],
    ['2001:db8:::1', /not a valid IPv6/],
    ['mail_server.example.com', /not a valid server name/],
    ['mail.example.com/inbox', /not a valid server name/],
    ['user@mail.example.com', /not a valid server name/],
    ['-mail.example.com', /not a valid server name/],
    ['mail..example.com', /not a valid server name/],
    ['.', /not a valid server name/],
    [`${'a'.repeat(64)}.example.com`, /not a valid server name/],
    ['999.1.1.1', /not a valid IPv4/],
    ['127.1', /not a valid IPv4/],
    ['01.2.3.4', /not a valid IPv4/],
  ])('rejects %j', (input, message) => {
    expect(() => parseHostPort(input, 993)).toThrow(HostPortError);
    expect(() => parseHostPort(input, 993)).toThrow(message);
  });

  it('uses the given default port when none is typed', () => {
    expect(parseHostPort('smtp.example.com', 587).port).toBe(587);
  });
});

describe('normalizeHost', () => {
  it('refuses a host with a port, which belongs in parseHostPort', () => {
    expect(() => normalizeHost('mail.example.com:993')).toThrow(HostPortError);
  });

  it('refuses names longer than DNS allows', () => {
    const longName = `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`;
    expect(() => normalizeHost(longName)).toThrow(/not a valid server name/);
  });
});

describe('default ports', () => {
  it.each([
    ['implicit', 993, 465],
    ['starttls', 143, 587],
    ['none', 143, 587],
  ] as const)('%s → IMAP %i, SMTP %i', (tls, imap, smtp) => {
    expect(defaultImapPort(tls)).toBe(imap);
    expect(defaultSmtpPort(tls)).toBe(smtp);
  });
});
