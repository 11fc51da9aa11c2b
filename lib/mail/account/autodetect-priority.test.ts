import { describe, expect, it } from 'vitest';
import { detectMailSettings, type MxRecord, type SrvRecord } from './autodetect';
import { autoconfigUrl, EXAMPLE_CONFIG, fakeDeps, hang, sleep, wellKnownUrl } from './autodetect.test-fakes';

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
