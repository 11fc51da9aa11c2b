import { describe, expect, it, vi } from 'vitest';
import {
  detectMailSettings,
  findProviderByMxHost,
  firstByPriority,
  InvalidEmailAddressError,
  parseEmailAddress,
  type AutodetectDeps,
  type MxRecord,
  type SrvRecord,
} from './autodetect';

// ---------------------------------------------------------------------------------------------
// Fakes

type FetchHandler = (url: string, signal: AbortSignal) => Promise<string | null>;

interface FakeDepsSetup {
  fetch?: Record<string, string | FetchHandler>;
  srv?: Record<string, SrvRecord[]>;
  mx?: MxRecord[];
  openPorts?: string[];
  srvDelayMs?: number;
  probe?: (host: string, port: number, signal: AbortSignal) => Promise<boolean>;
}

function fakeDeps(setup: FakeDepsSetup = {}) {
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A dependency call that never settles and ignores its abort signal: the worst case. */
function hang<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

function autoconfigUrl(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`;
}

function wellKnownUrl(domain: string): string {
  return `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`;
}

const EXAMPLE_CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
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

const EXPECTED_FROM_EXAMPLE_CONFIG = {
  imap: { host: 'imap.example.org', port: 993, tls: 'implicit', username: 'jane' },
  smtp: { host: 'smtp.example.org', port: 587, tls: 'starttls', username: 'jane@example.org' },
};

function expectNoDepsCalled(deps: ReturnType<typeof fakeDeps>): void {
  expect(deps.fetchText).not.toHaveBeenCalled();
  expect(deps.resolveSrv).not.toHaveBeenCalled();
  expect(deps.resolveMx).not.toHaveBeenCalled();
  expect(deps.probePort).not.toHaveBeenCalled();
}

// ---------------------------------------------------------------------------------------------

describe('parseEmailAddress', () => {
  it.each([
    ['jane@example.com', { address: 'jane@example.com', localPart: 'jane', domain: 'example.com' }],
    ['  Jane.Doe+crm@Example.COM ', { address: 'Jane.Doe+crm@example.com', localPart: 'Jane.Doe+crm', domain: 'example.com' }],
    ['jürgen@bücher.de', { address: 'jürgen@xn--bcher-kva.de', localPart: 'jürgen', domain: 'xn--bcher-kva.de' }],
    ["o'brien@mail.example.co.uk", { address: "o'brien@mail.example.co.uk", localPart: "o'brien", domain: 'mail.example.co.uk' }],
  ])('accepts %j', (input, expected) => {
    expect(parseEmailAddress(input)).toEqual(expected);
  });

  it.each([
    '',
    'jane',
    '@example.com',
    'jane@',
    'jane@localhost',
    'jane@example',
    'jane@@example.com',
    'ja ne@example.com',
    'jane@exa mple.com',
    'jane@example.com.',
    'jane@127.0.0.1',
    'jane@[127.0.0.1]',
    'jane@example.com:993',
    '.jane@example.com',
    'jane.@example.com',
    'ja..ne@example.com',
    '<jane@example.com>',
    'Jane <jane@example.com>',
    'jane@-example.com',
    `${'a'.repeat(65)}@example.com`,
    `jane@${'a'.repeat(250)}.com`,
  ])('rejects %j', (input) => {
    expect(parseEmailAddress(input)).toBeNull();
  });
});

describe('detectMailSettings: built-in table', () => {
  it('answers Gmail without any network access', async () => {
    const deps = fakeDeps();
    await expect(detectMailSettings('Jane.Doe@GMail.com', deps)).resolves.toEqual({
      imap: { host: 'imap.gmail.com', port: 993, tls: 'implicit', username: 'Jane.Doe@gmail.com' },
      smtp: { host: 'smtp.gmail.com', port: 465, tls: 'implicit', username: 'Jane.Doe@gmail.com' },
      source: 'builtin',
      provider: { id: 'googlemail.com', name: 'Google Mail', help: 'gmail' },
    });
    expectNoDepsCalled(deps);
  });

  it.each([
    ['jane@outlook.com', 'outlook.office365.com', 'smtp-mail.outlook.com', 'hotmail.com'],
    ['jane@hotmail.de', 'outlook.office365.com', 'smtp-mail.outlook.com', 'hotmail.com'],
    ['jane@yahoo.com', 'imap.mail.yahoo.com', 'smtp.mail.yahoo.com', 'yahoo.com'],
    ['jane@aol.com', 'imap.aol.com', 'smtp.aol.com', 'aol.com'],
    ['jane@gmx.net', 'imap.gmx.net', 'mail.gmx.net', 'gmx.net'],
    ['jane@web.de', 'imap.web.de', 'smtp.web.de', 'web.de'],
    ['jane@fastmail.com', 'imap.fastmail.com', 'smtp.fastmail.com', 'messagingengine.com'],
    ['jane@yandex.ru', 'imap.yandex.com', 'smtp.yandex.com', 'yandex.ru'],
    ['jane@mail.ru', 'imap.mail.ru', 'smtp.mail.ru', 'mail.ru'],
    ['jane@zoho.eu', 'imap.zoho.eu', 'smtp.zoho.eu', 'zoho.eu'],
  ])('answers %s offline', async (email, imapHost, smtpHost, providerId) => {
    const deps = fakeDeps();
    const settings = await detectMailSettings(email, deps);
    expect(settings).toMatchObject({
      imap: { host: imapHost },
      smtp: { host: smtpHost },
      source: 'builtin',
      provider: { id: providerId },
    });
    expectNoDepsCalled(deps);
  });

  it('prefers implicit TLS among a provider’s servers (GMX lists 465 and 587)', async () => {
    const settings = await detectMailSettings('jane@gmx.de', fakeDeps());
    expect(settings?.imap).toMatchObject({ port: 993, tls: 'implicit' });
    expect(settings?.smtp).toMatchObject({ port: 465, tls: 'implicit' });
  });

  it('fills username templates per provider (iCloud IMAP uses the local part)', async () => {
    const settings = await detectMailSettings('jane@icloud.com', fakeDeps());
    expect(settings).toMatchObject({
      imap: { host: 'imap.mail.me.com', port: 993, tls: 'implicit', username: 'jane' },
      smtp: { host: 'smtp.mail.me.com', port: 587, tls: 'starttls', username: 'jane@icloud.com' },
      provider: { id: 'me.com', help: 'icloud' },
    });
  });

  it('fills host and name templates (mail.%EMAILDOMAIN%)', async () => {
    const settings = await detectMailSettings('jane@inbox.lv', fakeDeps());
    expect(settings?.imap.host).toBe('mail.inbox.lv');
    expect(settings?.provider?.name).toBe('inbox.lv');
  });

  it('throws for an invalid address before doing anything', async () => {
    const deps = fakeDeps();
    await expect(detectMailSettings('not an address', deps)).rejects.toThrow(InvalidEmailAddressError);
    expectNoDepsCalled(deps);
  });
});

describe('detectMailSettings: network sources', () => {
  it('uses the autoconfig subdomain, with the address URL-encoded', async () => {
    const email = 'jane+crm@example.org';
    const deps = fakeDeps({ fetch: { [autoconfigUrl(email)]: EXAMPLE_CONFIG } });
    const settings = await detectMailSettings(email, deps);
    expect(deps.fetchText).toHaveBeenCalledWith(
      'https://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=jane%2Bcrm%40example.org',
      expect.any(AbortSignal),
    );
    expect(settings).toEqual({
      imap: { ...EXPECTED_FROM_EXAMPLE_CONFIG.imap, username: 'jane+crm' },
      smtp: { ...EXPECTED_FROM_EXAMPLE_CONFIG.smtp, username: 'jane+crm@example.org' },
      source: 'autoconfig',
    });
  });

  it('uses the .well-known document when the subdomain has none', async () => {
    const deps = fakeDeps({ fetch: { [wellKnownUrl('example.org')]: EXAMPLE_CONFIG } });
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toEqual({
      ...EXPECTED_FROM_EXAMPLE_CONFIG,
      source: 'well-known',
    });
  });

  it('ignores a malformed or non-config autoconfig answer', async () => {
    const deps = fakeDeps({
      fetch: {
        [autoconfigUrl('jane@example.org')]: EXAMPLE_CONFIG.slice(0, 300),
        [wellKnownUrl('example.org')]: '<html><body>Welcome to nginx!</body></html>',
      },
      srv: {
        '_imaps._tcp.example.org': [{ name: 'imap.example.net', port: 993, priority: 0, weight: 0 }],
        '_submissions._tcp.example.org': [{ name: 'smtp.example.net', port: 465, priority: 0, weight: 0 }],
      },
    });
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toMatchObject({ source: 'srv' });
  });

  it('reads SRV records, preferring implicit TLS and the lowest priority / highest weight', async () => {
    const deps = fakeDeps({
      srv: {
        '_imaps._tcp.example.org': [
          { name: 'backup.example.net', port: 993, priority: 20, weight: 100 },
          { name: 'light.example.net', port: 993, priority: 10, weight: 1 },
          { name: 'Heavy.Example.net.', port: 1993, priority: 10, weight: 50 },
        ],
        '_imap._tcp.example.org': [{ name: 'starttls.example.net', port: 143, priority: 0, weight: 0 }],
        '_submission._tcp.example.org': [{ name: 'submit.example.net', port: 587, priority: 0, weight: 0 }],
      },
    });
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toEqual({
      imap: { host: 'heavy.example.net', port: 1993, tls: 'implicit', username: 'jane@example.org' },
      smtp: { host: 'submit.example.net', port: 587, tls: 'starttls', username: 'jane@example.org' },
      source: 'srv',
    });
  });

  it('treats an SRV target of "." as "not offered"', async () => {
    const deps = fakeDeps({
      srv: {
        '_imaps._tcp.example.org': [{ name: '.', port: 0, priority: 0, weight: 0 }],
        '_imap._tcp.example.org': [{ name: 'imap.example.net', port: 143, priority: 0, weight: 0 }],
        '_submissions._tcp.example.org': [{ name: 'smtp.example.net', port: 465, priority: 0, weight: 0 }],
      },
    });
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toMatchObject({
      imap: { host: 'imap.example.net', port: 143, tls: 'starttls' },
      smtp: { host: 'smtp.example.net', port: 465, tls: 'implicit' },
      source: 'srv',
    });

    const noSubmission = fakeDeps({
      srv: {
        '_imaps._tcp.example.org': [{ name: 'imap.example.net', port: 993, priority: 0, weight: 0 }],
        '_submissions._tcp.example.org': [{ name: '.', port: 0, priority: 0, weight: 0 }],
        '_submission._tcp.example.org': [{ name: '.', port: 0, priority: 0, weight: 0 }],
      },
    });
    await expect(detectMailSettings('jane@example.org', noSubmission)).resolves.toBeNull();
  });

  it('recognises a Google Workspace domain by its MX and logs in with the full address', async () => {
    const deps = fakeDeps({
      mx: [
        { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
        { exchange: 'aspmx.l.google.com.', priority: 1 },
      ],
    });
    await expect(detectMailSettings('jane@company.example', deps)).resolves.toEqual({
      imap: { host: 'imap.gmail.com', port: 993, tls: 'implicit', username: 'jane@company.example' },
      smtp: { host: 'smtp.gmail.com', port: 465, tls: 'implicit', username: 'jane@company.example' },
      source: 'mx',
      provider: { id: 'googlemail.com', name: 'Google Mail', help: 'gmail' },
    });
    expect(deps.resolveMx).toHaveBeenCalledWith('company.example');
  });

  it('recognises a Microsoft 365 domain by its MX', async () => {
    const deps = fakeDeps({ mx: [{ exchange: 'company-example.mail.protection.outlook.com', priority: 0 }] });
    await expect(detectMailSettings('jane@company.example', deps)).resolves.toEqual({
      imap: { host: 'outlook.office365.com', port: 993, tls: 'implicit', username: 'jane@company.example' },
      smtp: { host: 'smtp.office365.com', port: 587, tls: 'starttls', username: 'jane@company.example' },
      source: 'mx',
      provider: { id: 'office365.com', name: 'Microsoft 365', help: 'microsoft365' },
    });
  });

  it('uses an iCloud+ custom domain’s full address although iCloud’s own template is the local part', async () => {
    const deps = fakeDeps({ mx: [{ exchange: 'mx01.mail.icloud.com', priority: 10 }] });
    const settings = await detectMailSettings('jane@family.example', deps);
    expect(settings?.imap).toEqual({
      host: 'imap.mail.me.com',
      port: 993,
      tls: 'implicit',
      username: 'jane@family.example',
    });
  });

  it('ignores MX hosts of unknown providers and look-alike suffixes', async () => {
    const deps = fakeDeps({
      mx: [
        { exchange: 'mx.example.net', priority: 0 },
        { exchange: 'evilgoogle.com', priority: 1 },
        { exchange: 'google.com.evil.example', priority: 2 },
      ],
    });
    await expect(detectMailSettings('jane@company.example', deps)).resolves.toBeNull();
  });

  it('guesses common host names, preferring implicit TLS, via port probes', async () => {
    const deps = fakeDeps({
      openPorts: ['mail.example.org:993', 'imap.example.org:143', 'smtp.example.org:587', 'mail.example.org:465'],
    });
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toEqual({
      imap: { host: 'mail.example.org', port: 993, tls: 'implicit', username: 'jane@example.org' },
      smtp: { host: 'mail.example.org', port: 465, tls: 'implicit', username: 'jane@example.org' },
      source: 'guess',
    });
    const probed = deps.probePort.mock.calls.map(([host, port]) => `${host}:${port}`);
    expect(probed).not.toContain('imap.example.org:110');
    expect(probed.every((target) => /:(993|143|465|587)$/.test(target))).toBe(true);
  });

  it('waits for a better-preferred guess that answers later', async () => {
    const deps = fakeDeps({
      probe: async (host, port) => {
        if (host === 'imap.example.org' && port === 993) {
          await sleep(40);
          return true;
        }
        return (host === 'mail.example.org' && port === 143) || (host === 'smtp.example.org' && port === 465);
      },
    });
    const settings = await detectMailSettings('jane@example.org', deps, { timeoutMs: 2000 });
    expect(settings?.imap).toMatchObject({ host: 'imap.example.org', port: 993 });
  });

  it('returns null when nothing is found', async () => {
    await expect(detectMailSettings('jane@example.org', fakeDeps())).resolves.toBeNull();
  });

  it('treats failing dependencies as "found nothing"', async () => {
    const deps: AutodetectDeps = {
      fetchText: async () => {
        throw new Error('boom');
      },
      resolveSrv: async () => {
        throw new Error('boom');
      },
      resolveMx: async () => {
        throw new Error('boom');
      },
      probePort: () => {
        throw new Error('sync boom');
      },
    };
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toBeNull();
  });
});

describe('detectMailSettings: priority and time budget', () => {
  const srvRecords = {
    '_imaps._tcp.example.org': [{ name: 'srv-imap.example.net', port: 993, priority: 0, weight: 0 }],
    '_submissions._tcp.example.org': [{ name: 'srv-smtp.example.net', port: 465, priority: 0, weight: 0 }],
  };
  const allGuessPortsOpen = [
    'imap.example.org:993',
    'smtp.example.org:465',
  ];

  it('picks autoconfig over SRV, MX and guessing when all answer', async () => {
    const deps = fakeDeps({
      fetch: { [autoconfigUrl('jane@example.org')]: EXAMPLE_CONFIG, [wellKnownUrl('example.org')]: EXAMPLE_CONFIG },
      srv: srvRecords,
      mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }],
      openPorts: allGuessPortsOpen,
    });
    await expect(detectMailSettings('jane@example.org', deps)).resolves.toMatchObject({ source: 'autoconfig' });
  });

  it('waits for a slower higher-priority method rather than taking the first answer', async () => {
    const deps = fakeDeps({
      fetch: {
        [autoconfigUrl('jane@example.org')]: async () => {
          await sleep(60);
          return EXAMPLE_CONFIG;
        },
      },
      srv: srvRecords,
      openPorts: allGuessPortsOpen,
    });
    await expect(detectMailSettings('jane@example.org', deps, { timeoutMs: 2000 })).resolves.toMatchObject({
      source: 'autoconfig',
    });
  });

  it('picks SRV over MX, and MX over guessing', async () => {
    const withSrv = fakeDeps({ srv: srvRecords, mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }], srvDelayMs: 30 });
    await expect(detectMailSettings('jane@example.org', withSrv)).resolves.toMatchObject({ source: 'srv' });

    const withMx = fakeDeps({ mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }], openPorts: allGuessPortsOpen });
    await expect(detectMailSettings('jane@example.org', withMx)).resolves.toMatchObject({ source: 'mx' });
  });

  it('answers once higher methods are done, without waiting for lower ones', async () => {
    const deps = fakeDeps({ srv: srvRecords });
    deps.resolveMx.mockImplementation(() => hang<MxRecord[]>());
    deps.probePort.mockImplementation(() => hang<boolean>());
    const started = Date.now();
    await expect(detectMailSettings('jane@example.org', deps, { timeoutMs: 5000 })).resolves.toMatchObject({
      source: 'srv',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not let a hanging fetch block past its share of the budget', async () => {
    const deps = fakeDeps({ openPorts: allGuessPortsOpen });
    deps.fetchText.mockImplementation(() => hang<string | null>());
    deps.resolveSrv.mockImplementation(() => hang<SrvRecord[]>());
    deps.resolveMx.mockImplementation(() => hang<MxRecord[]>());
    const started = Date.now();
    const settings = await detectMailSettings('jane@example.org', deps, { timeoutMs: 1000 });
    const elapsed = Date.now() - started;
    expect(settings).toMatchObject({ source: 'guess' });
    expect(elapsed).toBeGreaterThanOrEqual(550); // it did wait for the higher-priority methods …
    expect(elapsed).toBeLessThan(950); // … but only for their 60 % share
  });

  it('gives up with null when everything hangs, at the overall budget', async () => {
    const deps = fakeDeps();
    deps.fetchText.mockImplementation(() => hang<string | null>());
    deps.resolveSrv.mockImplementation(() => hang<SrvRecord[]>());
    deps.resolveMx.mockImplementation(() => hang<MxRecord[]>());
    deps.probePort.mockImplementation(() => hang<boolean>());
    const started = Date.now();
    await expect(detectMailSettings('jane@example.org', deps, { timeoutMs: 200 })).resolves.toBeNull();
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('aborts the signals of work still running once the answer is known', async () => {
    const seenSignals: AbortSignal[] = [];
    const deps = fakeDeps({ srv: srvRecords });
    deps.probePort.mockImplementation((_host, _port, signal) => {
      seenSignals.push(signal);
      return hang<boolean>();
    });
    await detectMailSettings('jane@example.org', deps, { timeoutMs: 5000 });
    expect(seenSignals.length).toBeGreaterThan(0);
    expect(seenSignals.every((signal) => signal.aborted)).toBe(true);
  });

  it('stops early when the caller aborts', async () => {
    const deps = fakeDeps();
    deps.fetchText.mockImplementation(() => hang<string | null>());
    deps.resolveSrv.mockImplementation(() => hang<SrvRecord[]>());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    await expect(
      detectMailSettings('jane@example.org', deps, { timeoutMs: 10_000, signal: controller.signal }),
    ).resolves.toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('firstByPriority', () => {
  it('returns the highest-priority answer found before an abort', async () => {
    const controller = new AbortController();
    const result = firstByPriority(
      [
        { run: () => hang<string>(), timeoutMs: 10_000 },
        { run: async () => 'second', timeoutMs: 10_000 },
        { run: async () => 'third', timeoutMs: 10_000 },
      ],
      controller.signal,
    );
    await sleep(20);
    controller.abort();
    await expect(result).resolves.toBe('second');
  });

  it('resolves null for no tasks or an already aborted signal', async () => {
    await expect(firstByPriority([])).resolves.toBeNull();
    await expect(firstByPriority([{ run: async () => 'x', timeoutMs: 100 }], AbortSignal.abort())).resolves.toBeNull();
  });
});

describe('findProviderByMxHost', () => {
  it.each([
    ['aspmx.l.google.com', 'googlemail.com'],
    ['smtp.google.com', 'googlemail.com'],
    ['contoso-com.mail.protection.outlook.com', 'office365.com'],
    ['contoso-com.j-v1.mx.microsoft', 'office365.com'],
    ['in1-smtp.messagingengine.com', 'messagingengine.com'],
    ['mx.zoho.eu', 'zoho.eu'],
    ['mx.zoho.com', 'zoho.com'],
    ['mx-aol.mail.gm0.yahoodns.net', 'aol.com'],
    ['mta5.am0.yahoodns.net', 'yahoo.com'],
    ['mx.yandex.net', 'yandex.ru'],
    ['MXS.MAIL.RU.', 'mail.ru'],
  ])('%s → %s', (mxHost, providerId) => {
    expect(findProviderByMxHost(mxHost)?.id).toBe(providerId);
  });

  it.each(['mx.example.net', 'notgoogle.com', 'google.com.example.net'])('%s → none', (mxHost) => {
    expect(findProviderByMxHost(mxHost)).toBeUndefined();
  });
});
