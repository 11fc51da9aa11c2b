import { describe, expect, it } from 'vitest';
import { detectMailSettings, InvalidEmailAddressError, type AutodetectDeps } from './autodetect';
import {
  autoconfigUrl,
  EXAMPLE_CONFIG,
  EXPECTED_FROM_EXAMPLE_CONFIG,
  expectNoDepsCalled,
  fakeDeps,
  sleep,
  wellKnownUrl,
} from './autodetect.test-fakes';

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
