import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import nodemailer from 'nodemailer';
import {
  classifyMailError,
  imapClientOptions,
  isGreetingTimeout,
  smtpTransportOptions,
  speaksImplicitTls,
  type ClassifyContext,
  type MailConnectError,
  type ServerSettings,
  type SmtpTlsPolicy,
} from '@/lib/mail/transport';

/**
 * Verification before an account is saved: logs in over IMAP and SMTP with the settings the user
 * typed or we detected, within a time limit, and tells what went wrong in terms the UI can explain.
 */

export interface VerifiedFolder {
  path: string;
  specialUse?: string;
}

export type ImapVerification =
  | { ok: true; folders: VerifiedFolder[]; capabilities: string[]; warning?: 'plaintext' }
  | { ok: false; error: MailConnectError };

export type SmtpVerification = { ok: true; warning?: 'plaintext' } | { ok: false; error: MailConnectError };

export interface VerifyOptions {
  /** Upper bound for the whole verification of one protocol. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Without TLS we first wait only this long for the greeting: a client talking plain text to an
 * implicit-TLS port gets no greeting at all (the server waits for a TLS handshake), and we would
 * rather find that out with a quick probe than by running into the full timeout.
 */
const PLAINTEXT_GREETING_WAIT_MS = 2_500;
const IMPLICIT_TLS_PROBE_TIMEOUT_MS = 2_000;
/** Below this, a second attempt after a slow greeting cannot succeed anyway. */
const MIN_USEFUL_RETRY_MS = 1_000;

/** Logs in over IMAP, lists the folders and logs out again. Never throws; never takes much longer than `timeoutMs`. */
export async function verifyImap(settings: ServerSettings, opts: VerifyOptions = {}): Promise<ImapVerification> {
  const deadline = startDeadline(opts.timeoutMs);
  const serverAlerts: string[] = [];
  const context: ClassifyContext = { protocol: 'imap', tls: settings.tls, host: settings.host, port: settings.port, serverAlerts };
  const outcome = await runWithGreetingFallback(settings, deadline, (greetingTimeoutMs) =>
    imapAttempt(settings, greetingTimeoutMs, deadline, serverAlerts),
  );
  if (!outcome.ok) return { ok: false, error: classifyMailError(outcome.error, context) };
  const { folders, capabilities, encrypted } = outcome.value;
  return encrypted ? { ok: true, folders, capabilities } : { ok: true, folders, capabilities, warning: 'plaintext' };
}

/** Connects to the SMTP server and authenticates (nodemailer's verify()). Never throws. */
export async function verifySmtp(settings: ServerSettings, opts: VerifyOptions = {}): Promise<SmtpVerification> {
  const deadline = startDeadline(opts.timeoutMs);
  const context: ClassifyContext = { protocol: 'smtp', tls: settings.tls, host: settings.host, port: settings.port };
  const attempt = (policy: SmtpTlsPolicy) =>
    runWithGreetingFallback(settings, deadline, (greetingTimeoutMs) => smtpAttempt(settings, policy, greetingTimeoutMs, deadline));

  if (settings.tls !== 'none') {
    const outcome = await attempt(settings.tls === 'implicit' ? 'implicit' : 'require-starttls');
    return outcome.ok ? { ok: true } : { ok: false, error: classifyMailError(outcome.error, context) };
  }
  // nodemailer does not tell whether it upgraded opportunistically, so 'none' first insists on
  // STARTTLS and only when the server does not offer it verifies again in plain text.
  const encrypted = await attempt('require-starttls');
  if (encrypted.ok) return { ok: true };
  const asStarttls = classifyMailError(encrypted.error, { ...context, tls: 'starttls' });
  if (asStarttls.code !== 'starttls_unavailable') return { ok: false, error: classifyMailError(encrypted.error, context) };
  const plain = await attempt('plaintext');
  return plain.ok ? { ok: true, warning: 'plaintext' } : { ok: false, error: classifyMailError(plain.error, context) };
}


// ---------------------------------------------------------------------------------------------
// Attempts

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Deadline {
  totalMs: number;
  remainingMs(): number;
}

function startDeadline(timeoutMs: number | undefined): Deadline {
  const totalMs = timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
  const startedAt = Date.now();
  return { totalMs, remainingMs: () => Math.max(0, totalMs - (Date.now() - startedAt)) };
}

/** Our own overall limit ran out (a library timeout would carry the library's code instead). */
class VerificationTimeoutError extends Error {
  readonly code = 'VERIFICATION_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`verification did not finish within ${timeoutMs} ms`);
    this.name = 'VerificationTimeoutError';
  }
}

/** A plain-text connection got no greeting, but a TLS handshake on the same port succeeded. */
class ImplicitTlsDetectedError extends Error {
  readonly code = 'IMPLICIT_TLS_DETECTED';
  constructor(readonly greetingWaitMs: number) {
    super(`no greeting within ${greetingWaitMs} ms in plain text, but the port completed a TLS handshake`);
    this.name = 'ImplicitTlsDetectedError';
  }
}

async function runWithGreetingFallback<T>(
  settings: ServerSettings,
  deadline: Deadline,
  attempt: (greetingTimeoutMs: number) => Promise<T>,
): Promise<Outcome<T>> {
  const run = async (greetingTimeoutMs: number): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await attempt(greetingTimeoutMs) };
    } catch (error) {
      return { ok: false, error };
    }
  };
  if (settings.tls === 'implicit') return run(deadline.remainingMs());

  const greetingWaitMs = Math.min(PLAINTEXT_GREETING_WAIT_MS, deadline.remainingMs());
  const first = await run(greetingWaitMs);
  if (first.ok || !isGreetingTimeout(first.error)) return first;

  const probeMs = Math.min(IMPLICIT_TLS_PROBE_TIMEOUT_MS, deadline.remainingMs());
  if (probeMs > 0 && (await speaksImplicitTls(settings, probeMs))) return { ok: false, error: new ImplicitTlsDetectedError(greetingWaitMs) };
  // Not TLS either: maybe a server that greets slowly on purpose (some SMTP servers do). Give it the rest.
  if (deadline.remainingMs() < MIN_USEFUL_RETRY_MS) return first;
  return run(deadline.remainingMs());
}


/** Rejects with VerificationTimeoutError (after calling `abort`) when the promise takes longer than `ms`. */
async function withinDeadline<T>(promise: Promise<T>, ms: number, abort: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject before aborting, so the race reports the timeout and not the abort's own error.
      reject(new VerificationTimeoutError(ms));
      abort();
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

interface ImapAttemptResult {
  folders: VerifiedFolder[];
  capabilities: string[];
  encrypted: boolean;
}

async function imapAttempt(settings: ServerSettings, greetingTimeoutMs: number, deadline: Deadline, serverAlerts: string[]): Promise<ImapAttemptResult> {
  const budgetMs = deadline.remainingMs();
  if (budgetMs <= 0) throw new VerificationTimeoutError(deadline.totalMs);
  const options: ImapFlowOptions = {
    ...imapClientOptions(settings, { connectionMs: budgetMs, greetingMs: Math.min(greetingTimeoutMs, budgetMs), socketMs: budgetMs }),
    // One short session: no IDLE, no compression, no extensions to enable.
    disableAutoIdle: true,
    disableCompression: true,
    disableAutoEnable: true,
  };
  const client = new ImapFlow(options);
  // Failures also arrive as 'error' events; unhandled, they would crash the process.
  client.on('error', () => undefined);
  client.on('alert', (alert: unknown) => {
    const text = alert && typeof alert === 'object' && 'message' in alert ? String(alert.message).trim() : '';
    if (text) serverAlerts.push(text);
  });

  const session = async (): Promise<ImapAttemptResult> => {
    await client.connect();
    const encrypted = client.secureConnection;
    const capabilities = [...client.capabilities.keys()];
    const folders = (await client.list()).map((folder): VerifiedFolder =>
      folder.specialUse ? { path: folder.path, specialUse: folder.specialUse } : { path: folder.path },
    );
    // The answer is in; a server that fumbles LOGOUT does not change it.
    await client.logout().catch(() => undefined);
    return { folders, capabilities, encrypted };
  };
  try {
    return await withinDeadline(session(), budgetMs, () => client.close());
  } finally {
    client.close();
  }
}

async function smtpAttempt(settings: ServerSettings, policy: SmtpTlsPolicy, greetingTimeoutMs: number, deadline: Deadline): Promise<void> {
  const budgetMs = deadline.remainingMs();
  if (budgetMs <= 0) throw new VerificationTimeoutError(deadline.totalMs);
  // forceAuth is a real SMTPConnection option the type definitions lack. Without it, verify()
  // reports success against a server that offers no AUTH, never having checked the password.
  const options: SMTPTransport.Options & { forceAuth: boolean } = {
    ...smtpTransportOptions(settings, { connectionMs: budgetMs, greetingMs: Math.min(greetingTimeoutMs, budgetMs), socketMs: budgetMs }, policy),
    forceAuth: true,
  };
  const transporter = nodemailer.createTransport(options);
  try {
    // verify() opens a connection of its own that close() cannot reach; the library timeouts
    // above end it within the same budget if our deadline gives up first.
    await withinDeadline(transporter.verify(), budgetMs, () => transporter.close());
  } finally {
    transporter.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Classification

