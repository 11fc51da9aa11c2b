import type { TlsMode } from '@/lib/mail/transport';
import { findProviderByDomain, findProviderByMxHost } from './builtin-providers';
import { parseEmailAddress, type ParsedEmailAddress } from './email-address';
import { firstByPriority, type PrioritizedTask } from './first-by-priority';
import { HostPortError, normalizeHost } from './host-port';
import { parseClientConfig } from './ispdb';
import { applyUsernameTemplate, type ProviderEntry, type ProviderHelp, type ServerTemplate } from './provider-schema';

/**
 * Finds IMAP/SMTP settings for an e-mail address the way mail clients do: our built-in table
 * first (no network), then the provider's autoconfig document, DNS SRV records, the MX host of
 * a custom domain, and finally guessing common host names.
 */

export type DetectionSource = 'builtin' | 'autoconfig' | 'well-known' | 'srv' | 'mx' | 'guess';

export interface DetectedServer {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
}

export interface DetectedProvider {
  id: string;
  name: string;
  help?: ProviderHelp;
}

export interface DetectedSettings {
  imap: DetectedServer;
  smtp: DetectedServer;
  source: DetectionSource;
  provider?: DetectedProvider;
}

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** Everything that touches the network, injectable so detection can be tested offline. */
export interface AutodetectDeps {
  /** The body of a successful response, or null for any failure (status, size, TLS, refusal). */
  fetchText(url: string, signal: AbortSignal): Promise<string | null>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolveMx(domain: string): Promise<MxRecord[]>;
  /** True when a TCP connection to host:port can be opened. */
  probePort(host: string, port: number, signal: AbortSignal): Promise<boolean>;
}

export interface AutodetectOptions {
  /** Budget for the whole detection; defaults to 10 seconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class InvalidEmailAddressError extends Error {
  override readonly name = 'InvalidEmailAddressError';
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Network methods run concurrently, but a higher-priority one that hangs holds back the answer
 * of lower ones. Capping each below the total means a slow autoconfig server delays a found
 * SRV/MX/guess answer by at most this share of the budget. Guessing is last in line and may
 * use all of it.
 */
const BUDGET_SHARE: Record<Exclude<DetectionSource, 'builtin'>, number> = {
  autoconfig: 0.6,
  'well-known': 0.6,
  srv: 0.6,
  mx: 0.6,
  guess: 1,
};

// ---------------------------------------------------------------------------------------------
// Turning server templates into settings

const TLS_PREFERENCE: Record<TlsMode, number> = { implicit: 0, starttls: 1, none: 2 };

/**
 * Picks the most secure usable server (implicit TLS, then STARTTLS, then none; document order
 * among equals) and fills in its templates. Servers whose filled-in host is invalid are skipped.
 */
function chooseServer(
  servers: readonly ServerTemplate[],
  email: ParsedEmailAddress,
  usernameOverride?: string,
): DetectedServer | null {
  const byPreference = [...servers].sort((a, b) => TLS_PREFERENCE[a.tls] - TLS_PREFERENCE[b.tls]);
  for (const server of byPreference) {
    try {
      return {
        host: normalizeHost(applyUsernameTemplate(server.host, email.address)),
        port: server.port,
        tls: server.tls,
        username: usernameOverride ?? applyUsernameTemplate(server.username, email.address),
      };
    } catch (error) {
      if (!(error instanceof HostPortError)) {
        throw error;
      }
    }
  }
  return null;
}

function settingsFromServers(
  imapServers: readonly ServerTemplate[],
  smtpServers: readonly ServerTemplate[],
  email: ParsedEmailAddress,
  source: DetectionSource,
  options: { provider?: ProviderEntry; usernameOverride?: string } = {},
): DetectedSettings | null {
  const imap = chooseServer(imapServers, email, options.usernameOverride);
  const smtp = chooseServer(smtpServers, email, options.usernameOverride);
  if (imap === null || smtp === null) {
    return null;
  }
  const settings: DetectedSettings = { imap, smtp, source };
  if (options.provider !== undefined) {
    const { id, name, help } = options.provider;
    settings.provider = {
      id,
      name: applyUsernameTemplate(name, email.address),
      ...(help !== undefined ? { help } : {}),
    };
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Detection

/**
 * Detects IMAP/SMTP settings for an address, or returns null when nothing was found in time.
 * @throws InvalidEmailAddressError when the address is not plausible.
 */
export async function detectMailSettings(
  email: string,
  deps: AutodetectDeps,
  options: AutodetectOptions = {},
): Promise<DetectedSettings | null> {
  const parsed = parseEmailAddress(email);
  if (parsed === null) {
    throw new InvalidEmailAddressError(`"${email}" is not a valid e-mail address.`);
  }

  const builtin = findProviderByDomain(parsed.domain);
  if (builtin !== undefined) {
    const settings = settingsFromServers(builtin.imap, builtin.smtp, parsed, 'builtin', { provider: builtin });
    if (settings !== null) {
      return settings;
    }
  }

  const budgetMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), budgetMs);
  const cancel = (): void => deadline.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted === true) {
    deadline.abort();
  }

  const method = (
    source: Exclude<DetectionSource, 'builtin'>,
    run: (signal: AbortSignal) => Promise<DetectedSettings | null>,
  ): PrioritizedTask<DetectedSettings> => ({ run, timeoutMs: budgetMs * BUDGET_SHARE[source] });

  try {
    return await firstByPriority(
      [
        method('autoconfig', (signal) =>
          fetchClientConfig(
            `https://autoconfig.${parsed.domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(parsed.address)}`,
            parsed,
            'autoconfig',
            deps,
            signal,
          ),
        ),
        method('well-known', (signal) =>
          fetchClientConfig(
            `https://${parsed.domain}/.well-known/autoconfig/mail/config-v1.1.xml`,
            parsed,
            'well-known',
            deps,
            signal,
          ),
        ),
        method('srv', () => detectFromSrv(parsed, deps)),
        method('mx', () => detectFromMx(parsed, deps)),
        method('guess', (signal) => guessServers(parsed, deps, signal, budgetMs)),
      ],
      deadline.signal,
    );
  } finally {
    clearTimeout(deadlineTimer);
    options.signal?.removeEventListener('abort', cancel);
  }
}

async function fetchClientConfig(
  url: string,
  email: ParsedEmailAddress,
  source: 'autoconfig' | 'well-known',
  deps: AutodetectDeps,
  signal: AbortSignal,
): Promise<DetectedSettings | null> {
  const xml = await deps.fetchText(url, signal);
  const config = xml === null ? null : parseClientConfig(xml);
  if (config === null) {
    return null;
  }
  // The provider's self-description is not shown: it is whatever the domain's web server says.
  return settingsFromServers(config.imap, config.smtp, email, source);
}

async function detectFromSrv(email: ParsedEmailAddress, deps: AutodetectDeps): Promise<DetectedSettings | null> {
  const lookup = (service: string): Promise<SrvRecord[]> =>
    deps.resolveSrv(`_${service}._tcp.${email.domain}`).catch(() => []);
  const [imaps, imap, submissions, submission] = await Promise.all([
    lookup('imaps'),
    lookup('imap'),
    lookup('submissions'),
    lookup('submission'),
  ]);
  // RFC 6186 says clients should use the full address first.
  const toServer = (record: SrvRecord | null, tls: TlsMode): DetectedServer | null =>
    record === null ? null : { host: record.name, port: record.port, tls, username: email.address };
  const imapServer = toServer(pickSrvTarget(imaps), 'implicit') ?? toServer(pickSrvTarget(imap), 'starttls');
  const smtpServer =
    toServer(pickSrvTarget(submissions), 'implicit') ?? toServer(pickSrvTarget(submission), 'starttls');
  if (imapServer === null || smtpServer === null) {
    return null;
  }
  return { imap: imapServer, smtp: smtpServer, source: 'srv' };
}

/**
 * The record to use: lowest priority, then highest weight (a deterministic stand-in for
 * RFC 2782's weighted random pick). A "." target means the service is deliberately not offered.
 */
function pickSrvTarget(records: readonly SrvRecord[]): SrvRecord | null {
  if (records.some((record) => record.name === '.' || record.name === '')) {
    return null;
  }
  const sorted = [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  for (const record of sorted) {
    if (!Number.isInteger(record.port) || record.port < 1 || record.port > 65535) {
      continue;
    }
    try {
      return { ...record, name: normalizeHost(record.name) };
    } catch (error) {
      if (!(error instanceof HostPortError)) {
        throw error;
      }
    }
  }
  return null;
}

async function detectFromMx(email: ParsedEmailAddress, deps: AutodetectDeps): Promise<DetectedSettings | null> {
  const records = await deps.resolveMx(email.domain).catch((): MxRecord[] => []);
  const byPriority = [...records].sort((a, b) => a.priority - b.priority);
  for (const record of byPriority) {
    const provider = findProviderByMxHost(record.exchange);
    if (provider !== undefined) {
      // A custom domain (jane@company.example on Google Workspace or Microsoft 365) logs in with
      // the full address, whatever the provider's own domains use.
      return settingsFromServers(provider.imap, provider.smtp, email, 'mx', {
        provider,
        usernameOverride: email.address,
      });
    }
  }
  return null;
}

interface GuessCandidate {
  host: string;
  port: number;
  tls: TlsMode;
}

async function guessServers(
  email: ParsedEmailAddress,
  deps: AutodetectDeps,
  signal: AbortSignal,
  budgetMs: number,
): Promise<DetectedSettings | null> {
  const { domain } = email;
  // In order of preference; plain-text ports are never guessed.
  const imapCandidates: GuessCandidate[] = [
    { host: `imap.${domain}`, port: 993, tls: 'implicit' },
    { host: `mail.${domain}`, port: 993, tls: 'implicit' },
    { host: `imap.${domain}`, port: 143, tls: 'starttls' },
    { host: `mail.${domain}`, port: 143, tls: 'starttls' },
  ];
  const smtpCandidates: GuessCandidate[] = [
    { host: `smtp.${domain}`, port: 465, tls: 'implicit' },
    { host: `mail.${domain}`, port: 465, tls: 'implicit' },
    { host: `smtp.${domain}`, port: 587, tls: 'starttls' },
    { host: `mail.${domain}`, port: 587, tls: 'starttls' },
  ];
  const firstReachable = (candidates: GuessCandidate[]): Promise<GuessCandidate | null> =>
    firstByPriority(
      candidates.map((candidate) => ({
        run: async (probeSignal: AbortSignal) =>
          (await deps.probePort(candidate.host, candidate.port, probeSignal)) ? candidate : null,
        timeoutMs: budgetMs,
      })),
      signal,
    );
  const [imap, smtp] = await Promise.all([firstReachable(imapCandidates), firstReachable(smtpCandidates)]);
  if (imap === null || smtp === null) {
    return null;
  }
  return {
    imap: { ...imap, username: email.address },
    smtp: { ...smtp, username: email.address },
    source: 'guess',
  };
}
