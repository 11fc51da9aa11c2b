import { expect, vi } from 'vitest';
import type { AutodetectDeps, MxRecord, SrvRecord } from './autodetect';

// Fakes for the autodetection tests: detection is tested offline, against scripted answers.

type FetchHandler = (url: string, signal: AbortSignal) => Promise<string | null>;

interface FakeDepsSetup {
  fetch?: Record<string, string | FetchHandler>;
  srv?: Record<string, SrvRecord[]>;
  mx?: MxRecord[];
  openPorts?: string[];
  srvDelayMs?: number;
  probe?: (host: string, port: number, signal: AbortSignal) => Promise<boolean>;
}

export function fakeDeps(setup: FakeDepsSetup = {}) {
  const deps = {
    fetchText: vi.fn<AutodetectDeps['fetchText']>(async (url, signal) => {
      const entry = setup.fetch?.[url];
      if (typeof entry === 'function') {
        return entry(url, signal);
      }
      return entry ?? null;
    }),
    resolveSrv: vi.fn<AutodetectDeps['resolveSrv']>(async (name) => {
      if (setup.srvDelayMs !== undefined) {
        await sleep(setup.srvDelayMs);
      }
      return setup.srv?.[name] ?? [];
    }),
    resolveMx: vi.fn<AutodetectDeps['resolveMx']>(async () => setup.mx ?? []),
    probePort: vi.fn<AutodetectDeps['probePort']>(async (host, port, signal) =>
      setup.probe !== undefined ? setup.probe(host, port, signal) : (setup.openPorts ?? []).includes(`${host}:${port}`),
    ),
  };
  return deps;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A dependency call that never settles and ignores its abort signal: the worst case. */
export function hang<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

export function autoconfigUrl(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`;
}

export function wellKnownUrl(domain: string): string {
  return `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`;
}

export const EXAMPLE_CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <displayName>Example &amp; Co</displayName>
    <incomingServer type="pop3">
      <hostname>pop.example.org</hostname><port>995</port><socketType>SSL</socketType>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.org</hostname><port>143</port><socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.org</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>`;

export const EXPECTED_FROM_EXAMPLE_CONFIG = {
  imap: { host: 'imap.example.org', port: 993, tls: 'implicit', username: 'jane' },
  smtp: { host: 'smtp.example.org', port: 587, tls: 'starttls', username: 'jane@example.org' },
};

export function expectNoDepsCalled(deps: ReturnType<typeof fakeDeps>): void {
  expect(deps.fetchText).not.toHaveBeenCalled();
  expect(deps.resolveSrv).not.toHaveBeenCalled();
  expect(deps.resolveMx).not.toHaveBeenCalled();
  expect(deps.probePort).not.toHaveBeenCalled();
}
