import { promises as dnsPromises, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import {
  MailHostNotFoundError,
  MailHostRefusedError,
  resolveMailHost,
  type AddressLookup,
  type ResolveMailHostOptions,
} from '@/lib/mail/transport';
import type { AutodetectDeps } from './autodetect';

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
