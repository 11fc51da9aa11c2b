import { describe, expect, it } from 'vitest';
import { classifyMailError, type ClassifyContext, type MailErrorCode } from './errors';

/**
 * Error objects shaped like the ones the libraries really produce (checked against imapflow 2.10
 * and nodemailer 8 sources, and recorded from the test Dovecot/Postfix where possible).
 */
function errorWith(message: string, properties: Record<string, unknown>): Error {
  return Object.assign(new Error(message), properties);
}

/** ImapFlow's failed LOGIN/AUTHENTICATE: tagged NO with the text split from the [CODE]. */
function imapLoginFailure(responseText: string, serverResponseCode?: string): Error {
  const code = serverResponseCode ? `[${serverResponseCode}] ` : '';
  return errorWith('Command failed', {
    response: `2 NO ${code}${responseText}`,
    responseStatus: 'NO',
    executedCommand: '2 AUTHENTICATE PLAIN',
    responseText,
    ...(serverResponseCode ? { serverResponseCode } : {}),
    authenticationFailed: true,
  });
}

/** nodemailer's _formatError(): code replaced by its own, the reply appended to the message. */
function smtpFailure(message: string, code: string, response?: string, command = 'CONN', extra: Record<string, unknown> = {}): Error {
  const responseCode = response ? Number(/^\d+/.exec(response)?.[0]) : undefined;
  return errorWith(response ? `${message}: ${response}` : message, {
    code,
    command,
    ...(response ? { response } : {}),
    ...(responseCode ? { responseCode } : {}),
    ...extra,
  });
}

const imap = (tls: ClassifyContext['tls'] = 'implicit', extra: Partial<ClassifyContext> = {}): ClassifyContext => ({
  protocol: 'imap',
  tls,
  host: 'imap.example.com',
  port: tls === 'implicit' ? 993 : 143,
  ...extra,
});
const smtp = (tls: ClassifyContext['tls'] = 'starttls'): ClassifyContext => ({
  protocol: 'smtp',
  tls,
  host: 'smtp.example.com',
  port: tls === 'implicit' ? 465 : 587,
});

interface Case {
  name: string;
  error: unknown;
  context: ClassifyContext;
  code: MailErrorCode;
  messageIncludes?: string[];
  serverAlert?: string | RegExp;
}

const cases: Case[] = [
  // --- credentials and provider policies, IMAP
  {
    name: 'Dovecot: wrong password',
    error: imapLoginFailure('Authentication failed.', 'AUTHENTICATIONFAILED'),
    context: imap(),
    code: 'auth_failed',
    messageIncludes: ['imap.example.com', 'Authentication failed.'],
  },
  {
    name: 'Yahoo: invalid credentials',
    error: imapLoginFailure('LOGIN Invalid credentials', 'AUTHENTICATIONFAILED'),
    context: imap(),
    code: 'auth_failed',
  },
  {
    name: 'Gmail: wrong password with [ALERT] is still a credentials problem',
    error: imapLoginFailure('Invalid credentials (Failure)', 'ALERT'),
    context: imap(),
    code: 'auth_failed',
    serverAlert: 'Invalid credentials (Failure)',
  },
  {
    name: 'Gmail: application-specific password required',
    error: imapLoginFailure('Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)', 'ALERT'),
    context: imap(),
    code: 'app_password_required',
    serverAlert: /support\.google\.com\/accounts\/answer\/185833/,
  },
  {
    name: 'Gmail: IMAP not enabled',
    error: imapLoginFailure(
      'Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)',
      'ALERT',
    ),
    context: imap(),
    code: 'imap_disabled',
    serverAlert: /not enabled for IMAP use/,
  },
  {
    name: 'Gmail: please log in via your web browser',
    error: imapLoginFailure('Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)', 'ALERT'),
    context: imap(),
    code: 'imap_disabled',
    serverAlert: /web browser/,
  },
  {
    name: 'Microsoft 365: AUTHENTICATE failed (basic authentication disabled)',
    error: imapLoginFailure('AUTHENTICATE failed.'),
    context: imap(),
    code: 'imap_disabled',
    messageIncludes: ['basic authentication'],
    serverAlert: 'AUTHENTICATE failed.',
  },
  {
    name: 'Microsoft: "User is authenticated but not connected" (ImapFlow turns it into AuthenticationFailure)',
    error: errorWith('Authentication failed', { authenticationFailed: true, response: 'User is authenticated but not connected.' }),
    context: imap(),
    code: 'imap_disabled',
  },
  {
    name: 'any other [ALERT] on login: the server has something to tell the user',
    error: imapLoginFailure('Your account is suspended, contact support@example.com', 'ALERT'),
    context: imap(),
    code: 'imap_disabled',
    serverAlert: 'Your account is suspended, contact support@example.com',
  },
  {
    name: 'an untagged [ALERT] before a plain NO (reported through context.serverAlerts)',
    error: imapLoginFailure('Authentication failed.', 'AUTHENTICATIONFAILED'),
    context: imap('implicit', { serverAlerts: ['Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754'] }),
    code: 'imap_disabled',
    serverAlert: /web browser/,
  },
  {
    name: 'server advertises LOGINDISABLED',
    error: errorWith('Login is disabled', { authenticationFailed: true }),
    context: imap('none'),
    code: 'imap_disabled',
  },
  {
    name: 'temporary auth backend failure ([UNAVAILABLE]) is not a wrong password',
    error: imapLoginFailure('Temporary authentication failure.', 'UNAVAILABLE'),
    context: imap(),
    code: 'protocol',
  },

  // --- credentials and provider policies, SMTP
  {
    name: 'Postfix + Dovecot SASL: 535 wrong password',
    error: smtpFailure('Invalid login', 'EAUTH', '535 5.7.8 Error: authentication failed: (reason unavailable)', 'AUTH PLAIN'),
    context: smtp(),
    code: 'auth_failed',
    messageIncludes: ['smtp.example.com', 'authentication failed'],
  },
  {
    name: 'Gmail: 535 username and password not accepted',
    error: smtpFailure(
      'Invalid login',
      'EAUTH',
      '535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials',
      'AUTH PLAIN',
    ),
    context: smtp(),
    code: 'auth_failed',
  },
  {
    name: 'Gmail: 534 application-specific password required',
    error: smtpFailure(
      'Invalid login',
      'EAUTH',
      '534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor',
      'AUTH PLAIN',
    ),
    context: smtp(),
    code: 'app_password_required',
    serverAlert: /Application-specific password required/,
  },
  {
    name: 'Gmail: 534 please log in via your web browser',
    error: smtpFailure(
      'Invalid login',
      'EAUTH',
      '534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser and\n534-5.7.14 then try again.',
      'AUTH PLAIN',
    ),
    context: smtp(),
    code: 'imap_disabled',
  },
  {
    name: 'Microsoft 365: basic authentication is disabled',
    error: smtpFailure(
      'Invalid login',
      'EAUTH',
      '535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR01CA0000.eurprd01.prod.exchangelabs.com]',
      'AUTH LOGIN',
    ),
    context: smtp(),
    code: 'imap_disabled',
    serverAlert: /basic authentication is disabled/,
  },
  {
    name: 'Microsoft 365: SMTP AUTH disabled for the tenant',
    error: smtpFailure(
      'Invalid login',
      'EAUTH',
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
      'AUTH LOGIN',
    ),
    context: smtp(),
    code: 'imap_disabled',
  },
  {
    name: 'Microsoft 365: wrong credentials',
    error: smtpFailure('Invalid login', 'EAUTH', '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.', 'AUTH LOGIN'),
    context: smtp(),
    code: 'auth_failed',
  },
  {
    name: 'server does not offer AUTH on this connection (forceAuth) is not a wrong password',
    error: smtpFailure('Invalid login', 'EAUTH', '503 5.5.1 Error: authentication not enabled', 'AUTH PLAIN'),
    context: smtp('none'),
    code: 'protocol',
  },

  // --- network
  {
    name: 'Node: ECONNREFUSED (ImapFlow passes it through)',
    error: errorWith('connect ECONNREFUSED 127.0.0.1:993', { errno: -111, code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 993 }),
    context: imap(),
    code: 'connection_refused',
  },
  {
    name: 'nodemailer: ECONNREFUSED hidden behind ESOCKET',
    error: smtpFailure('connect ECONNREFUSED 127.0.0.1:587', 'ESOCKET', undefined, 'CONN', { errno: -111, syscall: 'connect', port: 587 }),
    context: smtp(),
    code: 'connection_refused',
  },
  {
    name: 'Node: happy-eyeballs AggregateError of refusals',
    error: Object.assign(
      new AggregateError([
        errorWith('connect ECONNREFUSED ::1:993', { code: 'ECONNREFUSED', errno: -111 }),
        errorWith('connect ECONNREFUSED 127.0.0.1:993', { code: 'ECONNREFUSED', errno: -111 }),
      ]),
    ),
    context: imap(),
    code: 'connection_refused',
  },
  {
    name: 'Node: ENOTFOUND',
    error: errorWith('getaddrinfo ENOTFOUND imap.example.invalid', { errno: -3008, code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'imap.example.invalid' }),
    context: imap(),
    code: 'host_not_found',
    messageIncludes: ['ENOTFOUND'],
  },
  {
    name: 'Node: EAI_AGAIN (DNS temporarily failing)',
    error: errorWith('getaddrinfo EAI_AGAIN imap.example.com', { errno: -3001, code: 'EAI_AGAIN', syscall: 'getaddrinfo' }),
    context: imap(),
    code: 'host_not_found',
    messageIncludes: ['EAI_AGAIN'],
  },
  {
    name: 'nodemailer: EDNS',
    error: smtpFailure('getaddrinfo ENOTFOUND smtp.example.invalid', 'EDNS', undefined, 'CONN', { errno: -3008, syscall: 'getaddrinfo' }),
    context: smtp(),
    code: 'host_not_found',
  },
  {
    name: 'Node: EHOSTUNREACH',
    error: errorWith('connect EHOSTUNREACH 10.1.2.3:993', { errno: -113, code: 'EHOSTUNREACH', syscall: 'connect' }),
    context: imap(),
    code: 'host_unreachable',
  },

  // --- timeouts
  {
    name: 'ImapFlow: CONNECT_TIMEOUT',
    error: errorWith('Failed to establish connection in required time', { code: 'CONNECT_TIMEOUT', details: { connectionTimeout: 10000 } }),
    context: imap(),
    code: 'timeout',
    messageIncludes: ['10000 ms'],
  },
  {
    name: 'ImapFlow: GREETING_TIMEOUT in plain text hints at implicit TLS',
    error: errorWith('Failed to receive greeting from server in required time. Maybe should use TLS?', {
      code: 'GREETING_TIMEOUT',
      details: { greetingTimeout: 2500 },
    }),
    context: imap('starttls'),
    code: 'timeout',
    messageIncludes: ['SSL/TLS'],
  },
  {
    name: 'nodemailer: greeting never received',
    error: smtpFailure('Greeting never received', 'ETIMEDOUT'),
    context: smtp(),
    code: 'timeout',
  },
  {
    name: 'nodemailer: connection timeout',
    error: smtpFailure('Connection timeout', 'ETIMEDOUT'),
    context: smtp(),
    code: 'timeout',
  },

  // --- TLS certificates
  {
    name: 'ImapFlow: host name not in the certificate',
    error: errorWith("Hostname/IP does not match certificate's altnames: Host: mail.wrong.test. is not in the cert's altnames: DNS:localhost", {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      reason: "Host: mail.wrong.test. is not in the cert's altnames: DNS:localhost",
      host: 'mail.wrong.test',
    }),
    context: imap(),
    code: 'tls_certificate',
    messageIncludes: ['ERR_TLS_CERT_ALTNAME_INVALID', 'mail.wrong.test'],
  },
  {
    name: 'nodemailer: host name not in the certificate (code overwritten with ESOCKET)',
    error: smtpFailure("Hostname/IP does not match certificate's altnames: Host: mail.wrong.test. is not in the cert's altnames: DNS:localhost", 'ESOCKET', undefined, 'CONN', {
      reason: "Host: mail.wrong.test. is not in the cert's altnames: DNS:localhost",
    }),
    context: smtp(),
    code: 'tls_certificate',
    messageIncludes: ['ERR_TLS_CERT_ALTNAME_INVALID'],
  },
  {
    name: 'Node: self-signed certificate',
    error: errorWith('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    context: imap(),
    code: 'tls_certificate',
    messageIncludes: ['DEPTH_ZERO_SELF_SIGNED_CERT'],
  },
  {
    name: 'nodemailer: self-signed certificate (OpenSSL 1.1 spelling, code overwritten)',
    error: smtpFailure('self signed certificate', 'ESOCKET'),
    context: smtp('implicit'),
    code: 'tls_certificate',
    messageIncludes: ['DEPTH_ZERO_SELF_SIGNED_CERT'],
  },
  {
    name: 'Node: self-signed CA in the chain',
    error: errorWith('self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
    context: imap(),
    code: 'tls_certificate',
    messageIncludes: ['SELF_SIGNED_CERT_IN_CHAIN'],
  },
  {
    name: 'Node: untrusted issuer / missing intermediate',
    error: errorWith('unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
    context: imap(),
    code: 'tls_certificate',
    messageIncludes: ['UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  },
  {
    name: 'nodemailer: expired certificate during STARTTLS',
    error: smtpFailure('Error initiating TLS - certificate has expired', 'ETLS', undefined, 'STARTTLS'),
    context: smtp(),
    code: 'tls_certificate',
    messageIncludes: ['CERT_HAS_EXPIRED'],
  },
  {
    name: 'ImapFlow: STARTTLS upgrade with an expired certificate',
    error: errorWith('certificate has expired', { code: 'CERT_HAS_EXPIRED', tlsFailed: true }),
    context: imap('starttls'),
    code: 'tls_certificate',
    messageIncludes: ['CERT_HAS_EXPIRED'],
  },

  // --- TLS mode mismatches
  {
    name: 'ImapFlow: implicit TLS against a plain port (wrong version number)',
    error: errorWith('80BC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n', {
      library: 'SSL routines',
      reason: 'wrong version number',
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    }),
    context: imap('implicit'),
    code: 'tls_mismatch_expected_tls',
    messageIncludes: ['ERR_SSL_WRONG_VERSION_NUMBER'],
  },
  {
    name: 'nodemailer: implicit TLS against port 587 (code overwritten, reason kept)',
    error: smtpFailure('80BC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl3_record.c:350:\n', 'ESOCKET', undefined, 'CONN', {
      library: 'SSL routines',
      reason: 'wrong version number',
    }),
    context: smtp('implicit'),
    code: 'tls_mismatch_expected_tls',
  },
  {
    name: 'Node: packet length too long',
    error: errorWith('error:0A0000C6:SSL routines::packet length too long', { code: 'ERR_SSL_PACKET_LENGTH_TOO_LONG', reason: 'packet length too long' }),
    context: imap('implicit'),
    code: 'tls_mismatch_expected_tls',
  },
  {
    name: 'Node: a plain server hanging up on the ClientHello',
    error: errorWith('Client network socket disconnected before secure TLS connection was established', { code: 'ECONNRESET' }),
    context: imap('implicit'),
    code: 'tls_mismatch_expected_tls',
  },
  {
    name: 'a wrong-version error outside implicit TLS is not a mode mismatch',
    error: errorWith('SSL routines:ssl3_get_record:wrong version number', { code: 'ERR_SSL_WRONG_VERSION_NUMBER', tlsFailed: true }),
    context: imap('starttls'),
    code: 'protocol',
  },
  {
    name: 'nodemailer: TLS alert bytes instead of a greeting',
    error: smtpFailure('Invalid greeting. response=\u0015\u0003\u0001\u0000\u0002\u0002\u0032', 'EPROTOCOL', '\u0015\u0003\u0001\u0000\u0002\u0002\u0032'),
    context: smtp('none'),
    code: 'tls_mismatch_expected_plain',
  },

  // --- STARTTLS
  {
    name: 'ImapFlow doSTARTTLS: capability missing',
    error: errorWith('Server does not support STARTTLS', { tlsFailed: true }),
    context: imap('starttls'),
    code: 'starttls_unavailable',
  },
  {
    name: 'ImapFlow doSTARTTLS: PREAUTH greeting',
    error: errorWith('STARTTLS is not possible after a PREAUTH greeting', { tlsFailed: true }),
    context: imap('starttls'),
    code: 'starttls_unavailable',
  },
  {
    name: 'nodemailer requireTLS: STARTTLS not implemented (recorded from Postfix)',
    error: smtpFailure('Error upgrading connection with STARTTLS', 'ETLS', '502 5.5.1 Error: command not implemented', 'STARTTLS'),
    context: smtp('starttls'),
    code: 'starttls_unavailable',
    messageIncludes: ['502 5.5.1'],
  },
  {
    name: 'nodemailer requireTLS: EHLO refused, HELO cannot do STARTTLS',
    error: smtpFailure('EHLO failed but HELO does not support required STARTTLS. response=500 unrecognized', 'ECONNECTION', '500 unrecognized', 'EHLO'),
    context: smtp('starttls'),
    code: 'starttls_unavailable',
  },
  {
    name: 'the same STARTTLS refusal is not "unavailable" when STARTTLS was not asked for',
    error: smtpFailure('Error upgrading connection with STARTTLS', 'ETLS', '502 5.5.1 Error: command not implemented', 'STARTTLS'),
    context: smtp('none'),
    code: 'protocol',
  },

  // --- everything else
  {
    name: 'ImapFlow: connection closed with a BYE reason',
    error: errorWith('Connection not available', { code: 'NoConnection', reason: 'Too many simultaneous connections. (Failure)' }),
    context: imap(),
    code: 'protocol',
    messageIncludes: ['Too many simultaneous connections'],
  },
  {
    name: 'ImapFlow: closed right after connecting',
    error: errorWith('Unexpected close', { code: 'ClosedAfterConnectTLS' }),
    context: imap(),
    code: 'protocol',
    messageIncludes: ['ClosedAfterConnectTLS'],
  },
  { name: 'a thrown string', error: 'boom', context: imap(), code: 'protocol', messageIncludes: ['boom'] },
  { name: 'undefined', error: undefined, context: smtp(), code: 'protocol' },
];

describe('classifyMailError', () => {
  it.each(cases)('$name → $code', ({ error, context, code, messageIncludes, serverAlert }) => {
    const classified = classifyMailError(error, context);
    expect(classified.code).toBe(code);
    expect(classified.message).toMatch(/\S/);
    for (const fragment of messageIncludes ?? []) expect(classified.message).toContain(fragment);
    if (typeof serverAlert === 'string') expect(classified.serverAlert).toBe(serverAlert);
    if (serverAlert instanceof RegExp) expect(classified.serverAlert).toMatch(serverAlert);
  });

  it('keeps the server text of policy refusals for the user', () => {
    for (const { error, context, code } of cases) {
      if (code !== 'imap_disabled' && code !== 'app_password_required') continue;
      expect(classifyMailError(error, context).serverAlert, JSON.stringify(error)).toMatch(/\S/);
    }
  });

  it('names the protocol and the host in every message', () => {
    const classified = classifyMailError(imapLoginFailure('Authentication failed.', 'AUTHENTICATIONFAILED'), imap());
    expect(classified.message).toMatch(/^The IMAP server imap\.example\.com port 993 /);
  });
});
