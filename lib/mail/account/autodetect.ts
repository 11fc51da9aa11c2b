import { promises as dnsPromises, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import { type TlsMode ,
  MailHostNotFoundError,
  MailHostRefusedError,
  resolveMailHost,
  type AddressLookup,
  type ResolveMailHostOptions,
} from '@/lib/mail/transport';
import { HostPortError, normalizeHost } from './host-port';
import {
  applyUsernameTemplate,
  parseClientConfig,
  providerTableSchema,
  type ProviderEntry,
  type ProviderHelp,
  type ServerTemplate,
} from './ispdb';
import generatedProviderTable from './providers.generated.json';

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
// E-mail addresses

export interface ParsedEmailAddress {
  /** The address with its domain in lower-case ASCII (punycode) form. */
  address: string;
  localPart: string;
  domain: string;
}

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// Deliberately simple: printable characters without the ones that delimit addresses.
// Quoted local parts ("john doe"@example.com) are legal but too rare to be worth the risk.
const LOCAL_PART = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+$/;

/** A sane-enough address check: one "@", a plausible local part, and a dotted host-name domain. */
export function parseEmailAddress(input: string): ParsedEmailAddress | null {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || text.length > MAX_ADDRESS_LENGTH) {
    return null;
  }
  const localPart = text.slice(0, at);
  const domainText = text.slice(at + 1);
  if (localPart.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(localPart)) {
    return null;
  }
  if (localPart.startsWith('.') || localPart.endsWith('.') || localPart.includes('..')) {
    return null;
  }
  if (domainText.endsWith('.') || isIP(domainText) !== 0) {
    return null;
  }
  let domain: string;
  try {
    domain = normalizeHost(domainText);
  } catch (error) {
    if (error instanceof HostPortError) {
      return null;
    }
    throw error;
  }
  if (!domain.includes('.') || isIP(domain) !== 0) {
    return null;
  }
  return { address: `${localPart}@${domain}`, localPart, domain };
}

// ---------------------------------------------------------------------------------------------
// The built-in table

interface ProviderIndex {
  byDomain: ReadonlyMap<string, ProviderEntry>;
  mxSuffixes: ReadonlyArray<{ suffix: string; provider: ProviderEntry }>;
}

let providerIndex: ProviderIndex | null = null;

function getProviderIndex(): ProviderIndex {
  if (providerIndex === null) {
    // Validated once, so a hand-edited or stale JSON file fails loudly instead of misdirecting users.
    const table = providerTableSchema.parse(generatedProviderTable);
    const byDomain = new Map<string, ProviderEntry>();
    const mxSuffixes: Array<{ suffix: string; provider: ProviderEntry }> = [];
    for (const provider of table.providers) {
      for (const domain of provider.domains) {
        byDomain.set(domain, provider);
      }
      for (const suffix of provider.mxSuffixes ?? []) {
        mxSuffixes.push({ suffix, provider });
      }
    }
    // Longest first, so gm0.yahoodns.net (AOL) wins over a shorter yahoodns suffix.
    mxSuffixes.sort((a, b) => b.suffix.length - a.suffix.length);
    providerIndex = { byDomain, mxSuffixes };
  }
  return providerIndex;
}

export function findProviderByDomain(domain: string): ProviderEntry | undefined {
  return getProviderIndex().byDomain.get(domain.toLowerCase());
}

/** Matches an MX host such as contoso-com.mail.protection.outlook.com against the providers' MX suffixes. */
export function findProviderByMxHost(mxHost: string): ProviderEntry | undefined {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  return getProviderIndex().mxSuffixes.find(
    ({ suffix }) => host === suffix || host.endsWith(`.${suffix}`),
  )?.provider;
}

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

// ---------------------------------------------------------------------------------------------
// Running alternatives concurrently, answering by priority

export interface PrioritizedTask<T> {
  run: (signal: AbortSignal) => Promise<T | null>;
  /** After this the task counts as "found nothing", even if it ignores its abort signal. */
  timeoutMs: number;
}

/**
 * Starts all tasks at once and resolves with the result of the first task (in array order)
 * that found something, as soon as every task before it has finished empty-handed. When
 * `signal` aborts, the best result found so far wins. Failures count as "found nothing".
 * Unfinished tasks are aborted once the answer is known.
 */
export function firstByPriority<T>(tasks: readonly PrioritizedTask<T>[], signal?: AbortSignal): Promise<T | null> {
  return new Promise((resolve) => {
    const outcomes: Array<{ value: T | null } | undefined> = tasks.map(() => undefined);
    const controllers = tasks.map(() => new AbortController());
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    let finished = false;

    const finish = (value: T | null): void => {
      if (finished) {
        return;
      }
      finished = true;
      timers.forEach(clearTimeout);
      controllers.forEach((controller) => controller.abort());
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };

    const bestFinishedSoFar = (): T | null => {
      for (const outcome of outcomes) {
        if (outcome !== undefined && outcome.value !== null) {
          return outcome.value;
        }
      }
      return null;
    };

    const decideIfPossible = (): void => {
      for (const outcome of outcomes) {
        if (outcome === undefined) {
          return; // a higher-priority task may still answer
        }
        if (outcome.value !== null) {
          finish(outcome.value);
          return;
        }
      }
      finish(null);
    };

    function onAbort(): void {
      finish(bestFinishedSoFar());
    }

    const settle = (index: number, value: T | null): void => {
      if (finished || outcomes[index] !== undefined) {
        return;
      }
      outcomes[index] = { value };
      decideIfPossible();
    };

    if (signal?.aborted === true || tasks.length === 0) {
      finish(null);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    tasks.forEach((task, index) => {
      const controller = controllers[index] ?? new AbortController();
      timers.push(
        setTimeout(() => {
          controller.abort();
          settle(index, null);
        }, task.timeoutMs),
      );
      // Wrapped so that a task throwing synchronously is a failure like any other.
      Promise.resolve()
        .then(() => task.run(controller.signal))
        .then(
          (value) => settle(index, value),
          () => settle(index, null),
        );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Real network access

export interface DefaultAutodetectDepsOptions {
  /** Allow autoconfig fetches and port probes to private/loopback addresses (self-hosted, tests). */
  allowPrivate?: boolean;
  /** Replaces the system resolver for the SSRF check (tests). */
  lookup?: AddressLookup;
  /** Replaces the default CA list for autoconfig HTTPS (tests with a local server). */
  trustedCa?: string;
}

const MAX_AUTOCONFIG_BYTES = 256 * 1024;
const MAX_REDIRECTS = 3;
const DNS_TIMEOUT_MS = 3_000;

/**
 * Network access for `detectMailSettings`. Every connection (HTTPS fetch and port probe) goes
 * through the SSRF guard and connects to the exact address it approved, so a user-supplied
 * domain cannot make the server fetch from or scan the internal network.
 *
 * HTTPS uses node:https rather than global fetch because fetch offers no way to pin the
 * connection to an address we have checked.
 */
export function defaultAutodetectDeps(options: DefaultAutodetectDepsOptions = {}): AutodetectDeps {
  const guard: ResolveMailHostOptions = {
    allowPrivate: options.allowPrivate ?? false,
    ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
  };
  const resolver = new dnsPromises.Resolver({ timeout: DNS_TIMEOUT_MS, tries: 2 });

  const tlsOptions = options.trustedCa !== undefined ? { ca: options.trustedCa } : {};

  return {
    async fetchText(url, signal) {
      let currentUrl = url;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
        const response = await fetchOnce(currentUrl, signal, guard, tlsOptions).catch(() => null);
        if (response === null) {
          return null;
        }
        if (response.kind === 'body') {
          return response.text;
        }
        currentUrl = response.location;
      }
      return null;
    },

    async resolveSrv(name) {
      const records = await resolver.resolveSrv(name).catch(() => []);
      return records.map(({ name: target, port, priority, weight }) => ({ name: target, port, priority, weight }));
    },

    async resolveMx(domain) {
      const records = await resolver.resolveMx(domain).catch(() => []);
      return records.map(({ exchange, priority }) => ({ exchange, priority }));
    },

    async probePort(host, port, signal) {
      const target = await resolveMailHost(host, guard).catch(() => null);
      if (target === null || signal.aborted) {
        return false;
      }
      return new Promise<boolean>((resolve) => {
        const socket = netConnect({ host: target.address, port, family: target.family });
        const done = (reachable: boolean): void => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve(reachable);
        };
        const onAbort = (): void => done(false);
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
      });
    },
  };
}

type FetchOutcome = { kind: 'body'; text: string } | { kind: 'redirect'; location: string };

function fetchOnce(
  url: string,
  signal: AbortSignal,
  guard: ResolveMailHostOptions,
  tlsOptions: { ca?: string },
): Promise<FetchOutcome | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(null);
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') {
    return Promise.resolve(null);
  }
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');

  return resolveMailHost(hostname, guard).then(
    (target) =>
      new Promise<FetchOutcome | null>((resolve) => {
        const pinnedLookup = (
          _host: string,
          lookupOptions: LookupOptions,
          callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
        ): void => {
          if (lookupOptions.all === true) {
            callback(null, [{ address: target.address, family: target.family }]);
          } else {
            callback(null, target.address, target.family);
          }
        };
        const request = httpsRequest(
          {
            protocol: 'https:',
            hostname,
            servername: isIP(hostname) === 0 ? hostname : undefined,
            port: parsed.port === '' ? 443 : Number(parsed.port),
            path: `${parsed.pathname}${parsed.search}`,
            method: 'GET',
            headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1', 'user-agent': 'CRM-Inbox-autoconfig' },
            lookup: pinnedLookup,
            agent: false,
            ...tlsOptions,
            signal,
          },
          (response) => {
            const status = response.statusCode ?? 0;
            const location = response.headers.location;
            if (status >= 300 && status < 400 && typeof location === 'string') {
              response.resume();
              request.destroy();
              resolve({ kind: 'redirect', location: new URL(location, parsed).toString() });
              return;
            }
            if (status !== 200) {
              response.resume();
              request.destroy();
              resolve(null);
              return;
            }
            const declaredLength = Number(response.headers['content-length'] ?? '0');
            if (declaredLength > MAX_AUTOCONFIG_BYTES) {
              request.destroy();
              resolve(null);
              return;
            }
            const chunks: Buffer[] = [];
            let received = 0;
            response.on('data', (chunk: Buffer) => {
              received += chunk.length;
              if (received > MAX_AUTOCONFIG_BYTES) {
                request.destroy();
                resolve(null);
                return;
              }
              chunks.push(chunk);
            });
            response.on('end', () => resolve({ kind: 'body', text: Buffer.concat(chunks).toString('utf8') }));
            response.on('error', () => resolve(null));
            // A connection cut before 'end' only closes; once settled, this resolve is a no-op.
            response.on('close', () => resolve(null));
          },
        );
        request.on('error', () => resolve(null));
        request.end();
      }),
    (error: unknown) => {
      if (error instanceof MailHostRefusedError || error instanceof MailHostNotFoundError) {
        return null;
      }
      throw error;
    },
  );
}
