import type { Database } from '@/db';
import type { MailOAuthServers } from '@/db/schema';
import { env } from '@/lib/env';
import { accountCredentials, getMailAccount, saveMailAccount, type MailAccountSettings, type MailServerSettings } from './accounts';
import { detectMailSettings, type AutodetectDeps, type DetectedProvider } from './autodetect';
import { defaultAutodetectDeps } from './autodetect-deps';
import { type MailErrorCode, type TlsMode , MailHostNotFoundError, MailHostRefusedError, resolveMailHost } from '@/lib/mail/transport';
import { HostPortError, defaultImapPort, defaultSmtpPort, parseHostPort } from './host-port';
import type { ProviderHelp } from './provider-schema';
import { verifyImap, verifySmtp } from './verify';

/** Why one half (IMAP or SMTP) could not be used; `code` picks the translated text, `serverAlert` is shown verbatim. */
export interface ServerProblem {
  /** 'provider_unreachable': the servers came from detecting the provider (the user typed none), and could not be reached. */
  code: MailErrorCode | 'host_refused' | 'invalid_server' | 'provider_unreachable';
  /** English detail for logs and for the user's admin. */
  detail: string;
  serverAlert?: string;
}

/** What the manual form shows: the settings that were tried, without passwords. */
export interface ManualFormValues {
  emailAddress: string;
  displayName: string;
  imap: { server: string; username: string; ssl: boolean };
  smtp: { server: string; username: string; ssl: boolean };
}

export type ConnectOutcome =
  | { connected: true; emailAddress: string; warnings: ('imap_plaintext' | 'smtp_plaintext')[] }
  | {
      connected: false;
      /** 'unknown_provider': autodetection found nothing; 'verification_failed': a half did not log in. */
      reason: 'unknown_provider' | 'verification_failed';
      imapProblem?: ServerProblem;
      smtpProblem?: ServerProblem;
      provider?: { name: string; help?: ProviderHelp };
      form: ManualFormValues;
    };

export interface ManualServerInput {
  server: string;
  username: string;
  /** Empty when editing means "keep the stored password". */
  password: string;
  ssl: boolean;
}

export interface ManualConnectInput {
  emailAddress: string;
  displayName: string;
  imap: ManualServerInput;
  smtp: ManualServerInput;
}

type Verified = { ok: true; tls: TlsMode; plaintext: boolean } | { ok: false; problem: ServerProblem };

/** "host" or "host:port" as the manual form shows it; the port only when it is not the usual one. */
function serverField(server: { host: string; port: number; tls: TlsMode }, defaultPort: (tls: TlsMode) => number): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return server.port === defaultPort(server.tls) ? host : `${host}:${server.port}`;
}

/** The edit form's starting values for a saved account (no passwords). */
export function accountFormValues(settings: Pick<MailAccountSettings, 'emailAddress' | 'displayName'> & {
  imap: Omit<MailServerSettings, 'password'>;
  smtp: Omit<MailServerSettings, 'password'>;
}): ManualFormValues {
  return {
    emailAddress: settings.emailAddress,
    displayName: settings.displayName,
    imap: { server: serverField(settings.imap, defaultImapPort), username: settings.imap.username, ssl: settings.imap.tls === 'implicit' },
    smtp: { server: serverField(settings.smtp, defaultSmtpPort), username: settings.smtp.username, ssl: settings.smtp.tls === 'implicit' },
  };
}

/**
 * Logs in with one half of the settings. The host is resolved through the SSRF guard and the connection
 * goes to the checked address, so a name that resolves differently a moment later cannot slip past.
 */
async function verifyServer(protocol: 'imap' | 'smtp', server: MailServerSettings): Promise<Verified> {
  let connectAddress: string;
  try {
    connectAddress = (await resolveMailHost(server.host, { allowPrivate: env().mailAllowPrivateHosts })).address;
  } catch (error) {
    if (error instanceof MailHostRefusedError) return { ok: false, problem: { code: 'host_refused', detail: error.message } };
    if (error instanceof MailHostNotFoundError) return { ok: false, problem: { code: 'host_not_found', detail: error.message } };
    throw error;
  }
  const verify = protocol === 'imap' ? verifyImap : verifySmtp;
  const result = await verify({ ...server, connectAddress });
  if (!result.ok) {
    const { code, message, serverAlert } = result.error;
    return { ok: false, problem: { code, detail: message, ...(serverAlert ? { serverAlert } : {}) } };
  }
  // "SSL off" means STARTTLS whenever the server offers it; remember which one happened, so later
  // connections insist on STARTTLS and a man in the middle cannot strip it.
  const plaintext = result.warning === 'plaintext';
  const tls: TlsMode = server.tls === 'none' && !plaintext ? 'starttls' : server.tls;
  return { ok: true, tls, plaintext };
}

/** Verifies both halves at once and saves the account only when both work. */
export async function verifyAndSave(
  db: Database,
  userId: string,
  settings: MailAccountSettings,
  provider?: DetectedProvider,
): Promise<ConnectOutcome> {
  const [imap, smtp] = await Promise.all([verifyServer('imap', settings.imap), verifyServer('smtp', settings.smtp)]);
  if (!imap.ok || !smtp.ok) {
    return {
      connected: false,
      reason: 'verification_failed',
      ...(imap.ok ? {} : { imapProblem: imap.problem }),
      ...(smtp.ok ? {} : { smtpProblem: smtp.problem }),
      ...(provider ? { provider: { name: provider.name, ...(provider.help ? { help: provider.help } : {}) } } : {}),
      form: accountFormValues(settings),
    };
  }
  const saved = await saveMailAccount(db, userId, {
    ...settings,
    imap: { ...settings.imap, tls: imap.tls },
    smtp: { ...settings.smtp, tls: smtp.tls },
  });
  const warnings: ('imap_plaintext' | 'smtp_plaintext')[] = [];
  if (imap.plaintext) warnings.push('imap_plaintext');
  if (smtp.plaintext) warnings.push('smtp_plaintext');
  return { connected: true, emailAddress: saved.emailAddress, warnings };
}

/** Step one of connecting: e-mail address and password; the servers come from autodetection. */
export async function connectWithAutodetect(
  db: Database,
  userId: string,
  input: { emailAddress: string; password: string; displayName: string },
  deps: AutodetectDeps = defaultAutodetectDeps({ allowPrivate: env().mailAllowPrivateHosts }),
): Promise<ConnectOutcome> {
  const detected = await detectMailSettings(input.emailAddress, deps);
  if (!detected) {
    const domain = input.emailAddress.split('@')[1] ?? '';
    return {
      connected: false,
      reason: 'unknown_provider',
      form: {
        emailAddress: input.emailAddress,
        displayName: input.displayName,
        // The most common layout, as a starting point the user corrects.
        imap: { server: `imap.${domain}`, username: input.emailAddress, ssl: true },
        smtp: { server: `smtp.${domain}`, username: input.emailAddress, ssl: true },
      },
    };
  }
  const { imap, smtp } = detected;
  const outcome = await verifyAndSave(
    db,
    userId,
    {
      emailAddress: input.emailAddress,
      displayName: input.displayName,
      imap: { host: imap.host, port: imap.port, tls: imap.tls, username: imap.username, password: input.password },
      smtp: { host: smtp.host, port: smtp.port, tls: smtp.tls, username: smtp.username, password: input.password },
      source: detected.source,
    },
    detected.provider,
  );
  return outcome.connected ? outcome : asDetectedServersUnreachable(outcome, detected.provider?.name ?? input.emailAddress.split('@')[1] ?? '');
}

/** Failures that mean "no network to that server" rather than anything about the settings. */
const UNREACHABLE_CODES: ReadonlySet<ServerProblem['code']> = new Set(['host_not_found', 'host_unreachable']);

/**
 * "imap.gmail.com was not found, check the spelling" blames a name the user never typed: when the
 * servers were detected and cannot be reached (no network, DNS down), say that the provider was
 * recognised and its server could not be reached.
 */
function asDetectedServersUnreachable(outcome: Extract<ConnectOutcome, { connected: false }>, providerName: string): ConnectOutcome {
  const reword = (problem: ServerProblem | undefined) =>
    problem && UNREACHABLE_CODES.has(problem.code) ? { ...problem, code: 'provider_unreachable' as const } : problem;
  const imapProblem = reword(outcome.imapProblem);
  const smtpProblem = reword(outcome.smtpProblem);
  if (imapProblem === outcome.imapProblem && smtpProblem === outcome.smtpProblem) return outcome;
  return {
    ...outcome,
    ...(imapProblem ? { imapProblem } : {}),
    ...(smtpProblem ? { smtpProblem } : {}),
    provider: outcome.provider ?? { name: providerName },
  };
}

export class ManualSettingsError extends Error {
  constructor(
    readonly field: 'imapServer' | 'smtpServer' | 'imapPassword' | 'smtpPassword',
    message: string,
  ) {
    super(message);
    this.name = 'ManualSettingsError';
  }
}

function manualServer(input: ManualServerInput, protocol: 'imap' | 'smtp', stored: MailServerSettings | undefined): MailServerSettings {
  // SSL on = TLS from the first byte; SSL off = STARTTLS when offered, plain text only when not.
  const tls: TlsMode = input.ssl ? 'implicit' : 'none';
  let hostPort;
  try {
    hostPort = parseHostPort(input.server, protocol === 'imap' ? defaultImapPort(tls) : defaultSmtpPort(tls));
  } catch (error) {
    if (error instanceof HostPortError) throw new ManualSettingsError(protocol === 'imap' ? 'imapServer' : 'smtpServer', error.message);
    throw error;
  }
  // A stored password is only reused for the host it was saved for: it must not be sent to a
  // server the user has just typed in without typing the password as well.
  const password = input.password || (stored?.host === hostPort.host ? stored.password : undefined);
  if (!password) throw new ManualSettingsError(protocol === 'imap' ? 'imapPassword' : 'smtpPassword', 'Enter the password.');
  return { ...hostPort, tls, username: input.username.trim(), password };
}

/** The manual form, for new accounts and for edits; when editing, an empty password keeps the stored one (the browser never receives it). */
export async function connectManually(db: Database, userId: string, input: ManualConnectInput): Promise<ConnectOutcome> {
  const existing = await getMailAccount(db, userId);
  const stored = existing ? accountCredentials(existing) : undefined;
  const imap = manualServer(input.imap, 'imap', stored?.imap);
  const smtp = manualServer(input.smtp, 'smtp', stored?.smtp);
  return verifyAndSave(db, userId, {
    emailAddress: input.emailAddress,
    displayName: input.displayName,
    imap,
    smtp,
    source: 'manual',
  });
}

/** Servers typed into the manual form for a provider sign-in (no passwords: the token replaces them). */
export function manualOAuthServers(input: { imap: Omit<ManualServerInput, 'password'>; smtp: Omit<ManualServerInput, 'password'> }): MailOAuthServers {
  const server = (half: Omit<ManualServerInput, 'password'>, protocol: 'imap' | 'smtp') => {
    const tls: TlsMode = half.ssl ? 'implicit' : 'none';
    try {
      const hostPort = parseHostPort(half.server, protocol === 'imap' ? defaultImapPort(tls) : defaultSmtpPort(tls));
      return { ...hostPort, tls, username: half.username.trim() };
    } catch (error) {
      if (error instanceof HostPortError) throw new ManualSettingsError(protocol === 'imap' ? 'imapServer' : 'smtpServer', error.message);
      throw error;
    }
  };
  return { imap: server(input.imap, 'imap'), smtp: server(input.smtp, 'smtp'), source: 'manual' };
}
