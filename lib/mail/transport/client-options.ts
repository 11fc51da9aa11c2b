import net from 'node:net';
import tls from 'node:tls';
import type { ImapFlowOptions } from 'imapflow';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

/** How a mail connection is secured: TLS from the first byte, upgraded via STARTTLS, or not at all. */
export type TlsMode = 'implicit' | 'starttls' | 'none';

export interface ServerSettings {
  /** The name the user entered; TLS certificates are checked against it. */
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
  /**
   * An OAuth2 access token (Microsoft 365, Google): when set, the login is XOAUTH2 with it instead of
   * the password, for IMAP and SMTP alike.
   */
  accessToken?: string;
  /** Already-resolved IP to connect to (e.g. after an SSRF check); TLS still verifies `host`. */
  connectAddress?: string;
}

// Connection options, shared by verification, import, sending and attachment downloads, so every
// connection with the same settings is made the same way.

export interface ConnectionTimeouts {
  /** DNS + TCP (+ TLS handshake for implicit TLS). */
  connectionMs: number;
  /** From connect until the server's greeting. */
  greetingMs: number;
  /** Inactivity on an established connection. */
  socketMs: number;
}

/** Where to connect, TLS policy, SNI and credentials for ImapFlow; add session options (IDLE, QRESYNC …) on top. */
export function imapClientOptions(settings: ServerSettings, timeouts: ConnectionTimeouts): ImapFlowOptions {
  const servername = tlsServername(settings.host);
  return {
    host: connectHostFor(settings),
    port: settings.port,
    secure: settings.tls === 'implicit',
    ...(servername ? { servername } : {}),
    // 'starttls': fail rather than continue unencrypted when STARTTLS is missing (a downgrade attack
    // looks exactly like that). 'none': upgrade when offered, else continue in plain text.
    ...(settings.tls === 'starttls' ? { doSTARTTLS: true } : {}),
    auth: settings.accessToken ? { user: settings.username, accessToken: settings.accessToken } : { user: settings.username, pass: settings.password },
    logger: false,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
  };
}

/**
 * How nodemailer treats TLS. `opportunistic` (the default for 'none') upgrades when the server offers
 * STARTTLS; `plaintext` never does.
 */
export type SmtpTlsPolicy = 'implicit' | 'require-starttls' | 'opportunistic' | 'plaintext';

const DEFAULT_SMTP_POLICY: Record<TlsMode, SmtpTlsPolicy> = { implicit: 'implicit', starttls: 'require-starttls', none: 'opportunistic' };

/** Options for nodemailer's SMTP transport with these settings. */
export function smtpTransportOptions(
  settings: ServerSettings,
  timeouts: ConnectionTimeouts,
  policy: SmtpTlsPolicy = DEFAULT_SMTP_POLICY[settings.tls],
): SMTPTransport.Options {
  const servername = tlsServername(settings.host);
  return {
    host: connectHostFor(settings),
    port: settings.port,
    secure: policy === 'implicit',
    requireTLS: policy === 'require-starttls',
    ignoreTLS: policy === 'plaintext',
    // Only the token: without a refresh token or client credentials nodemailer never tries to renew it itself.
    auth: settings.accessToken
      ? { type: 'OAuth2', user: settings.username, accessToken: settings.accessToken }
      : { user: settings.username, pass: settings.password },
    tls: servername ? { servername } : {},
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.connectionMs,
    logger: false,
    debug: false,
  };
}

/** Whether the port completes a TLS handshake. Nothing is sent after it, so the certificate does not matter here. */
export function speaksImplicitTls(settings: ServerSettings, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const servername = tlsServername(settings.host);
    const socket = tls.connect({
      host: connectHostFor(settings),
      port: settings.port,
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false,
    });
    const finish = (speaksTls: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(speaksTls);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('secureConnect', () => finish(true));
    // `on`, not `once`: a destroyed TLS socket can still report a second error.
    socket.on('error', () => finish(false));
  });
}

function connectHostFor(settings: ServerSettings): string {
  // An IP literal is verified as itself; a separate connect address only makes sense for a name.
  return net.isIP(settings.host) ? settings.host : (settings.connectAddress ?? settings.host);
}

/** SNI must be a name, never an IP literal (RFC 6066); for an IP, Node checks the certificate against the IP. */
function tlsServername(host: string): string | undefined {
  return net.isIP(host) ? undefined : host;
}
