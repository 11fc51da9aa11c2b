import type { MailServerPorts } from '../tests/harness/mail-servers';

/** Memorable ports, each the usual one plus 1000; a taken one is replaced by any free port. */
export const PREFERRED_PORTS: MailServerPorts = {
  imapStarttlsPort: 1143,
  imapTlsPort: 1993,
  imapPlainPort: 1144,
  smtpSubmissionPort: 1587,
  smtpTlsPort: 1465,
  smtpPlainPort: 1025,
};

/** MAIL_DEV_IMAP_TLS_PORT=2993 and the like: the environment variable that sets each port. */
export const PORT_VARIABLES: Record<keyof MailServerPorts, string> = {
  imapStarttlsPort: 'MAIL_DEV_IMAP_STARTTLS_PORT',
  imapTlsPort: 'MAIL_DEV_IMAP_TLS_PORT',
  imapPlainPort: 'MAIL_DEV_IMAP_PLAIN_PORT',
  smtpSubmissionPort: 'MAIL_DEV_SMTP_SUBMISSION_PORT',
  smtpTlsPort: 'MAIL_DEV_SMTP_TLS_PORT',
  smtpPlainPort: 'MAIL_DEV_SMTP_PLAIN_PORT',
};

/** The ports asked for: the environment's where set (a bad value stops with the variable's name), the preferred ones otherwise. */
export function requestedPorts(environment: Record<string, string | undefined>): MailServerPorts {
  const ports = { ...PREFERRED_PORTS };
  for (const [name, variable] of Object.entries(PORT_VARIABLES) as [keyof MailServerPorts, string][]) {
    const text = environment[variable]?.trim();
    if (!text) continue;
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new Error(`${variable} must be a port number from 1 to 65535, got "${text}"`);
    ports[name] = port;
  }
  return ports;
}

/**
 * The whole command that starts the app against these servers: their certificates come from a
 * throw-away CA, and they live on loopback, which the app refuses as a mail server unless told.
 */
export function appCommand(caCertPath: string): string {
  return `MAIL_ALLOW_PRIVATE_HOSTS=true NODE_EXTRA_CA_CERTS=${caCertPath} npm run dev`;
}
