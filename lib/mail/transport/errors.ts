import { getSystemErrorName } from 'node:util';
import type { TlsMode } from './client-options';

/**
 * Turns whatever ImapFlow, nodemailer or Node threw while connecting into a code the UI can explain
 * and an English message that names the server, for logs and the stored last error.
 */

export type MailProtocol = 'imap' | 'smtp';

export type MailErrorCode =
  /** Wrong user name or password. */
  | 'auth_failed'
  /** The provider does not allow this login: IMAP/SMTP AUTH switched off, password logins disabled, web login required. */
  | 'imap_disabled'
  | 'app_password_required'
  | 'host_not_found'
  /** No route to the host (EHOSTUNREACH/ENETUNREACH). */
  | 'host_unreachable'
  | 'connection_refused'
  | 'timeout'
  | 'tls_certificate'
  /** TLS was chosen but the port speaks plain text (or STARTTLS). */
  | 'tls_mismatch_expected_tls'
  /** TLS was not chosen but the port expects implicit TLS. */
  | 'tls_mismatch_expected_plain'
  /** STARTTLS was chosen and the server does not offer it. */
  | 'starttls_unavailable'
  | 'protocol';

export interface MailConnectError {
  code: MailErrorCode;
  /** English and specific, for logs and support; the UI picks its own translated text by `code`. */
  message: string;
  /** What the server said, verbatim, when it explains a refusal (often with a link for the user). */
  serverAlert?: string;
}

export interface ClassifyContext {
  protocol: MailProtocol;
  tls: TlsMode;
  host: string;
  port?: number;
  /** IMAP [ALERT] texts received before the failure (ImapFlow reports them as events, not on the error). */
  serverAlerts?: string[];
}

interface ErrorFacts {
  code?: string;
  /** ECONNREFUSED, ENOTFOUND …: nodemailer replaces `code` with its own (ESOCKET, EDNS), so also from errno or the message. */
  systemCode?: string;
  message: string;
  /** IMAP: text of the tagged NO/BAD. */
  responseText?: string;
  /** IMAP: response code in brackets, e.g. AUTHENTICATIONFAILED, ALERT. */
  serverResponseCode?: string;
  /** SMTP: the server's reply line(s); IMAP: the whole response line, when known as text. */
  response?: string;
  /** SMTP reply code, e.g. 535. */
  responseCode?: number;
  /** nodemailer: the SMTP command (or phase: CONN, API) that failed. */
  command?: string;
  authenticationFailed: boolean;
  tlsFailed: boolean;
  /** Node TLS errors: OpenSSL's reason, or the altname mismatch explanation. */
  reason?: string;
  /** ImapFlow: reason given in a BYE. */
  byeReason?: string;
  timeoutMs?: number;
}

const NODE_SYSTEM_CODES = [
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL', 'ENODATA', 'ESERVFAIL',
  'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'EPIPE',
] as const;
const DNS_FAILURE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL', 'ENODATA', 'ESERVFAIL', 'EDNS']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Node's certificate verification codes, with what they mean for the user's server. */
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is not valid for this host name',
  HOSTNAME_MISMATCH: 'the certificate is not valid for this host name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server presents a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate was issued by a CA that is not trusted here, or the server does not send its intermediate certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was issued by a CA that is not trusted here',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer of the certificate is unknown',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (or the clock is wrong)',
  CERT_REVOKED: 'the certificate has been revoked',
  CERT_UNTRUSTED: 'the certificate is not trusted',
  CERT_REJECTED: 'the certificate was rejected',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
  CERT_CHAIN_TOO_LONG: 'the certificate chain is too long',
  INVALID_CA: 'a CA certificate in the chain is invalid',
  INVALID_PURPOSE: 'the certificate is not meant for TLS servers',
  PATH_LENGTH_EXCEEDED: 'the certificate chain violates a path length constraint',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'the certificate has an invalid validity date',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'the certificate has an invalid validity date',
};

/** OpenSSL's texts for the same problems; nodemailer keeps the message but overwrites the code. */
const CERTIFICATE_MESSAGES: [RegExp, string][] = [
  [/hostname\/ip does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/unable to get issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
  [/certificate revoked/i, 'CERT_REVOKED'],
  [/certificate signature failure/i, 'CERT_SIGNATURE_FAILURE'],
  [/unsuitable certificate purpose/i, 'INVALID_PURPOSE'],
  [/invalid ca certificate/i, 'INVALID_CA'],
];

/** What OpenSSL reports when the other side of a TLS connection is not speaking TLS. */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_UNKNOWN_PROTOCOL', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_RECORD_LAYER_FAILURE',
]);
const NOT_TLS_REASONS = /wrong version number|packet length too long|unknown protocol|http request|record layer failure|ssl3_get_record/i;
/** A TLS record (alert or handshake, version 3.x) where a text greeting was expected. */
const TLS_RECORD_BYTES = /[\x15\x16]\x03[\x00-\x04]/;

const APP_PASSWORD_PATTERNS = [/application-specific password/i, /app(?:lication)? password/i, /InvalidSecondFactor/i];
const LOGIN_DISABLED_PATTERNS = [
  /not enabled for IMAP/i,
  /IMAP (?:access )?(?:is )?(?:not enabled|disabled)/i,
  /log ?in via your web ?browser/i,
  /web login required/i,
  /basic auth(?:entication)? is disabled/i,
  /SmtpClientAuthentication is disabled/i,
  /SMTP AUTH (?:is )?disabled/i,
  /\bAUTHENTICATE failed\b/,
  /User is authenticated but not connected/i,
  /did not meet the criteria to be authenticated/i,
  /^Login is disabled$/im,
];
/** ALERT texts that are still just about the credentials. */
const CREDENTIALS_PATTERNS = /invalid credentials|incorrect|wrong password|invalid password|bad password|authentication failed|username and password not accepted|login failed|invalid login/i;

/**
 * Turns whatever ImapFlow, nodemailer or Node threw into one of our error codes. Pure: no I/O, so
 * every branch can be tested with recorded error objects.
 */
export function classifyMailError(err: unknown, context: ClassifyContext): MailConnectError {
  const facts = readErrorFacts(err);
  const server = `${context.protocol.toUpperCase()} server ${context.host}${context.port ? ` port ${context.port}` : ''}`;
  const detail = describeFacts(facts);

  if (facts.code === 'IMPLICIT_TLS_DETECTED') {
    return {
      code: 'tls_mismatch_expected_plain',
      message: `The ${server} expects TLS from the start (implicit TLS/SSL), but the connection was set to ${context.tls === 'none' ? 'no encryption' : 'STARTTLS'}: ${facts.message}.`,
    };
  }
  if (facts.code === 'VERIFICATION_TIMEOUT') {
    return { code: 'timeout', message: `The ${server} did not complete login within ${facts.timeoutMs ?? '?'} ms.` };
  }

  const systemCode = facts.systemCode;
  if ((systemCode && DNS_FAILURE_CODES.has(systemCode)) || facts.code === 'EDNS') {
    return {
      code: 'host_not_found',
      message: `The host name ${context.host} could not be resolved (${systemCode ?? facts.code}${systemCode === 'EAI_AGAIN' ? ', DNS lookup failed temporarily' : ''}).`,
    };
  }
  if (systemCode === 'ECONNREFUSED') {
    return { code: 'connection_refused', message: `The ${server} refused the connection (ECONNREFUSED): nothing listens on that port, or a firewall rejects it.` };
  }
  if (systemCode && UNREACHABLE_CODES.has(systemCode)) {
    return { code: 'host_unreachable', message: `There is no network route to the ${server} (${systemCode}).` };
  }

  const certificateCode = certificateProblemCode(facts);
  if (certificateCode) {
    const problem = CERTIFICATE_PROBLEMS[certificateCode] ?? 'the certificate is not acceptable';
    const altnames = certificateCode === 'ERR_TLS_CERT_ALTNAME_INVALID' && facts.reason ? ` (${facts.reason})` : '';
    return {
      code: 'tls_certificate',
      message: `The TLS certificate of the ${server} was rejected: ${problem}${altnames} [${certificateCode}].`,
    };
  }

  if (context.tls === 'implicit' && speaksPlainWhereTlsWasExpected(facts)) {
    return {
      code: 'tls_mismatch_expected_tls',
      message: `The ${server} does not speak TLS from the start, but the connection was set to implicit TLS/SSL; the port probably expects plain text or STARTTLS (${detail}).`,
    };
  }
  if (context.tls !== 'implicit' && [facts.response, facts.responseText, facts.message].some((text) => text && TLS_RECORD_BYTES.test(text))) {
    return {
      code: 'tls_mismatch_expected_plain',
      message: `The ${server} answered with TLS data instead of a greeting: it expects implicit TLS/SSL, but the connection was set to ${context.tls === 'none' ? 'no encryption' : 'STARTTLS'}.`,
    };
  }

  if (context.tls === 'starttls' && starttlsWasUnavailable(facts)) {
    return {
      code: 'starttls_unavailable',
      message: `The ${server} does not offer STARTTLS, so the connection cannot be encrypted as configured${facts.response ? ` (server said: ${quote(facts.response)})` : ''}.`,
    };
  }

  const timeout = describeTimeout(facts, context);
  if (timeout) return { code: 'timeout', message: `The ${server} ${timeout}.` };

  if (facts.authenticationFailed || facts.code === 'EAUTH') {
    return classifyLoginRefusal(facts, context, server);
  }

  if (facts.byeReason) {
    return { code: 'protocol', message: `The ${server} closed the connection: ${quote(facts.byeReason)} (${detail}).` };
  }
  return { code: 'protocol', message: `Unexpected failure talking to the ${server}: ${detail}.` };
}

function classifyLoginRefusal(facts: ErrorFacts, context: ClassifyContext, server: string): MailConnectError {
  const alerts = context.serverAlerts ?? [];
  const replyText = firstText(facts.responseText, smtpReplyText(facts.response), facts.message) ?? '';
  // An [ALERT] is meant for the user's eyes (RFC 9051 7.1) and usually says more than the final NO.
  const serverText = alerts.length > 0 ? [...new Set([...alerts, facts.responseText].filter(isText))].join(' ') : replyText;
  const serverAlert = serverText;
  const everything = [facts.responseText, facts.response, facts.message, ...alerts].filter(Boolean).join('\n');

  if (APP_PASSWORD_PATTERNS.some((pattern) => pattern.test(everything))) {
    return {
      code: 'app_password_required',
      message: `The ${server} requires an app password instead of the account password: ${quote(serverText)}.`,
      serverAlert,
    };
  }
  if (LOGIN_DISABLED_PATTERNS.some((pattern) => pattern.test(everything))) {
    const microsoftAmbiguity = /\bAUTHENTICATE failed\b/.test(everything)
      ? ' Microsoft answers this when password logins (basic authentication) are disabled; on older Exchange servers it can also mean a wrong password.'
      : '';
    return {
      code: 'imap_disabled',
      message: `The ${server} does not allow this login (${context.protocol.toUpperCase()} access or password login is disabled): ${quote(serverText)}.${microsoftAmbiguity}`,
      serverAlert,
    };
  }
  const isAlert = facts.serverResponseCode === 'ALERT' || alerts.length > 0;
  if (isAlert && !CREDENTIALS_PATTERNS.test(everything)) {
    return {
      code: 'imap_disabled',
      message: `The ${server} refused the login with an alert for the user: ${quote(serverText)}.`,
      serverAlert,
    };
  }
  // Only a credentials reply means wrong credentials: 503 "AUTH not enabled", 454 "temporary failure"
  // or 530 "must issue STARTTLS first" come with EAUTH as well.
  if (facts.code === 'EAUTH' && facts.responseCode !== undefined && ![535, 534, 530].includes(facts.responseCode)) {
    return { code: 'protocol', message: `The ${server} did not accept authentication: ${quote(serverText)}.` };
  }
  if (facts.serverResponseCode === 'UNAVAILABLE') {
    return { code: 'protocol', message: `The ${server} cannot log anyone in right now: ${quote(serverText)}.` };
  }
  const expired = facts.serverResponseCode === 'EXPIRED' ? ' The password has expired.' : '';
  return {
    code: 'auth_failed',
    message: `The ${server} rejected the user name or password: ${quote(serverText)}.${expired}`,
    ...(isAlert || expired ? { serverAlert } : {}),
  };
}

function certificateProblemCode(facts: ErrorFacts): string | undefined {
  if (facts.code && facts.code in CERTIFICATE_PROBLEMS) return facts.code;
  return CERTIFICATE_MESSAGES.find(([pattern]) => pattern.test(facts.message))?.[1];
}

function speaksPlainWhereTlsWasExpected(facts: ErrorFacts): boolean {
  if (facts.code && NOT_TLS_CODES.has(facts.code)) return true;
  if (facts.reason && NOT_TLS_REASONS.test(facts.reason)) return true;
  if (NOT_TLS_REASONS.test(facts.message)) return true;
  // Some plain-text servers hang up on the binary ClientHello instead of answering it.
  return /before secure TLS connection was established/i.test(facts.message);
}

function starttlsWasUnavailable(facts: ErrorFacts): boolean {
  // ImapFlow with doSTARTTLS: a plain error flagged tlsFailed with this text.
  if (facts.tlsFailed && /does not support STARTTLS|STARTTLS is not possible/i.test(facts.message)) return true;
  // nodemailer with requireTLS sends STARTTLS even when it was not advertised; the server says no.
  if (facts.code === 'ETLS' && facts.command === 'STARTTLS' && (facts.responseCode ?? 0) >= 400) return true;
  return facts.command === 'EHLO' && /does not support required STARTTLS/i.test(facts.message);
}

function describeTimeout(facts: ErrorFacts, context: ClassifyContext): string | undefined {
  const afterMs = facts.timeoutMs !== undefined ? ` within ${facts.timeoutMs} ms` : '';
  const implicitTlsHint =
    context.tls === 'implicit' ? '' : `; if this port uses implicit TLS/SSL (usually ${context.protocol === 'imap' ? 993 : 465}), choose SSL/TLS`;
  switch (facts.code) {
    case 'CONNECT_TIMEOUT':
      return `did not accept a connection${afterMs} (packets dropped by a firewall, or the host is down)`;
    case 'GREETING_TIMEOUT':
      return `accepted the connection but sent no greeting${afterMs}${implicitTlsHint}`;
    case 'UPGRADE_TIMEOUT':
      return 'did not complete the STARTTLS handshake in time';
    case 'ETIMEOUT':
      return 'did not answer a command in time';
    case 'ETIMEDOUT':
      if (/greeting never received/i.test(facts.message)) return `accepted the connection but sent no greeting${implicitTlsHint}`;
      return /connection timeout/i.test(facts.message) ? 'did not accept a connection in time' : 'stopped answering (timeout)';
    default:
      return facts.systemCode === 'ETIMEDOUT' ? 'did not answer in time (ETIMEDOUT)' : undefined;
  }
}

function readErrorFacts(err: unknown): ErrorFacts {
  if (!err || typeof err !== 'object') return { message: String(err), authenticationFailed: false, tlsFailed: false };
  const record = err as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' && record[key] !== '' ? (record[key] as string) : undefined);
  const number = (key: string) => (typeof record[key] === 'number' ? (record[key] as number) : undefined);

  // Node's happy-eyeballs connect reports an AggregateError whose first member has the details.
  const nested = Array.isArray(record.errors) && record.errors.length > 0 && !text('code') ? readErrorFacts(record.errors[0]) : undefined;
  if (nested) return nested;

  const message = text('message') ?? String(err);
  const code = text('code');
  const details = record.details && typeof record.details === 'object' ? (record.details as Record<string, unknown>) : {};
  const detailNumber = (key: string) => (typeof details[key] === 'number' ? (details[key] as number) : undefined);
  return {
    code,
    systemCode: systemCodeOf(code, number('errno'), message),
    message,
    responseText: text('responseText'),
    serverResponseCode: text('serverResponseCode')?.toUpperCase(),
    response: text('response'),
    responseCode: number('responseCode'),
    command: text('command'),
    authenticationFailed: record.authenticationFailed === true,
    tlsFailed: record.tlsFailed === true,
    reason: text('reason'),
    // ImapFlow puts a BYE's text in `reason`; Node's TLS errors use the same name for OpenSSL's reason.
    byeReason: code === 'NoConnection' || code?.startsWith('ClosedAfterConnect') ? text('reason') : undefined,
    timeoutMs: number('timeoutMs') ?? detailNumber('connectionTimeout') ?? detailNumber('greetingTimeout'),
  };
}

function systemCodeOf(code: string | undefined, errno: number | undefined, message: string): string | undefined {
  if (code && (NODE_SYSTEM_CODES as readonly string[]).includes(code)) return code;
  const inMessage = NODE_SYSTEM_CODES.find((candidate) => new RegExp(`\\b${candidate}\\b`).test(message));
  if (inMessage) return inMessage;
  if (errno !== undefined && errno < 0) {
    try {
      return getSystemErrorName(errno);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function describeFacts(facts: ErrorFacts): string {
  const parts = [facts.code, facts.message.trim()];
  if (facts.response && !facts.message.includes(facts.response)) parts.push(`response: ${quote(facts.response)}`);
  if (facts.responseText && !facts.message.includes(facts.responseText)) parts.push(`server said: ${quote(facts.responseText)}`);
  return parts.filter(Boolean).join(': ');
}

/** SMTP replies come as "535-5.7.8 first line\n535 5.7.8 second line"; keep just the words. */
function smtpReplyText(response: string | undefined): string | undefined {
  if (!response) return undefined;
  return response
    .split(/\r?\n/)
    .map((line) => line.replace(/^\d{3}[ -](?:\d\.\d{1,3}\.\d{1,3}\s+)?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

function firstText(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((candidate) => candidate !== undefined && candidate.trim() !== '')?.trim();
}

function isText(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine);
}

/** The server never greeted within the time allowed (a plain-text client at an implicit-TLS port, or a slow server). */
export function isGreetingTimeout(error: unknown): boolean {
  const facts = readErrorFacts(error);
  return facts.code === 'GREETING_TIMEOUT' || (facts.code === 'ETIMEDOUT' && /greeting never received/i.test(facts.message));
}
