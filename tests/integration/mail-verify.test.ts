import net from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../harness/net';
import { verifyImap, verifySmtp } from '@/lib/mail/account';
import type { ServerSettings, TlsMode } from '@/lib/mail/transport';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email.startsWith('alice@'))!;

/** Settings as a user would enter them for the test servers (trusted through NODE_EXTRA_CA_CERTS). */
function settings(port: number, tls: TlsMode, overrides: Partial<ServerSettings> = {}): ServerSettings {
  return { host: 'localhost', port, tls, username: alice.email, password: alice.password, ...overrides };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

// Every case has its own connections, so they may run side by side; the slow ones wait on purpose.
describe.concurrent('verifyImap', () => {
  it('succeeds over STARTTLS and lists the folders with their special use', async () => {
    const result = await verifyImap(settings(servers.imapStarttlsPort, 'starttls'));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.warning).toBeUndefined();
    expect(result.folders).toEqual(
      expect.arrayContaining([
        { path: 'INBOX', specialUse: '\\Inbox' },
        { path: 'Sent', specialUse: '\\Sent' },
        { path: 'Drafts', specialUse: '\\Drafts' },
        { path: 'Trash', specialUse: '\\Trash' },
        { path: 'Junk', specialUse: '\\Junk' },
        { path: 'Archive', specialUse: '\\Archive' },
      ]),
    );
    expect(result.capabilities).toEqual(expect.arrayContaining(['IMAP4rev1', 'CONDSTORE', 'QRESYNC']));
  });

  it('succeeds over implicit TLS', async () => {
    expect(await verifyImap(settings(servers.imapTlsPort, 'implicit'))).toMatchObject({ ok: true });
  });

  it('succeeds with the IP address as host (certificate has an IP SAN)', async () => {
    expect(await verifyImap(settings(servers.imapTlsPort, 'implicit', { host: '127.0.0.1' }))).toMatchObject({ ok: true });
  });

  it("uses STARTTLS with 'none' when the server offers it, without a warning", async () => {
    const result = await verifyImap(settings(servers.imapStarttlsPort, 'none'));
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.warning).toBeUndefined();
  });

  it("warns about plain text with 'none' on a server without STARTTLS", async () => {
    expect(await verifyImap(settings(servers.imapPlainPort, 'none'))).toMatchObject({ ok: true, warning: 'plaintext' });
  });

  it("refuses to continue unencrypted with 'starttls' on a server without STARTTLS", async () => {
    expect(await verifyImap(settings(servers.imapPlainPort, 'starttls'))).toMatchObject({ ok: false, error: { code: 'starttls_unavailable' } });
  });

  it('reports a wrong password as auth_failed', async () => {
    const result = await verifyImap(settings(servers.imapTlsPort, 'implicit', { password: 'wrong' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    expect(!result.ok && result.error.message).toMatch(/localhost/);
  });

  it('reports a closed port as connection_refused', async () => {
    const closedPort = await freePort();
    expect(await verifyImap(settings(closedPort, 'implicit'))).toMatchObject({ ok: false, error: { code: 'connection_refused' } });
  });

  it("reports 'implicit' against the STARTTLS port as tls_mismatch_expected_tls", async () => {
    expect(await verifyImap(settings(servers.imapStarttlsPort, 'implicit'))).toMatchObject({
      ok: false,
      error: { code: 'tls_mismatch_expected_tls' },
    });
  });

  it.each(['starttls', 'none'] as const)("reports '%s' against the implicit-TLS port as tls_mismatch_expected_plain, quickly", async (tls) => {
    const { result, ms } = await timed(() => verifyImap(settings(servers.imapTlsPort, tls)));
    expect(result).toMatchObject({ ok: false, error: { code: 'tls_mismatch_expected_plain' } });
    expect(ms).toBeLessThan(5_000);
  });

  it.each(['implicit', 'starttls'] as const)('reports a host name the certificate does not cover as tls_certificate (%s)', async (tls) => {
    const port = tls === 'implicit' ? servers.imapTlsPort : servers.imapStarttlsPort;
    const result = await verifyImap(settings(port, tls, { host: 'mail.wrong.test', connectAddress: '127.0.0.1' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'tls_certificate' } });
    expect(!result.ok && result.error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reports an unresolvable host as host_not_found', async () => {
    expect(await verifyImap(settings(993, 'implicit', { host: 'does-not-exist.invalid' }))).toMatchObject({
      ok: false,
      error: { code: 'host_not_found' },
    });
  });

  it('gives up at the timeout on a server that accepts connections and never answers', async () => {
    const { silentPort, close } = await startSilentServer();
    try {
      const { result, ms } = await timed(() => verifyImap(settings(silentPort, 'implicit'), { timeoutMs: 1_500 }));
      expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
      expect(ms).toBeLessThan(3_000);
    } finally {
      await close();
    }
  });
});

describe.concurrent('verifySmtp', () => {
  it('succeeds over STARTTLS (submission)', async () => {
    expect(await verifySmtp(settings(servers.smtpSubmissionPort, 'starttls'))).toEqual({ ok: true });
  });

  it('succeeds over implicit TLS', async () => {
    expect(await verifySmtp(settings(servers.smtpTlsPort, 'implicit'))).toEqual({ ok: true });
  });

  it("uses STARTTLS with 'none' when offered, and warns on a server without it", async () => {
    expect(await verifySmtp(settings(servers.smtpSubmissionPort, 'none'))).toEqual({ ok: true });
    expect(await verifySmtp(settings(servers.smtpPlainPort, 'none'))).toEqual({ ok: true, warning: 'plaintext' });
  });

  it("refuses to continue unencrypted with 'starttls' on a server without STARTTLS", async () => {
    expect(await verifySmtp(settings(servers.smtpPlainPort, 'starttls'))).toMatchObject({ ok: false, error: { code: 'starttls_unavailable' } });
  });

  it.each([
    ['starttls', servers.smtpSubmissionPort],
    ['implicit', servers.smtpTlsPort],
    ['none', servers.smtpPlainPort],
  ] as const)('reports a wrong password as auth_failed (%s)', async (tls, port) => {
    expect(await verifySmtp(settings(port, tls, { password: 'wrong' }))).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
  });

  it('reports a closed port as connection_refused', async () => {
    const closedPort = await freePort();
    expect(await verifySmtp(settings(closedPort, 'starttls'))).toMatchObject({ ok: false, error: { code: 'connection_refused' } });
  });

  it("reports 'implicit' against the submission port as tls_mismatch_expected_tls", async () => {
    expect(await verifySmtp(settings(servers.smtpSubmissionPort, 'implicit'))).toMatchObject({
      ok: false,
      error: { code: 'tls_mismatch_expected_tls' },
    });
  });

  it.each(['starttls', 'none'] as const)("reports '%s' against the implicit-TLS port as tls_mismatch_expected_plain, quickly", async (tls) => {
    const { result, ms } = await timed(() => verifySmtp(settings(servers.smtpTlsPort, tls)));
    expect(result).toMatchObject({ ok: false, error: { code: 'tls_mismatch_expected_plain' } });
    expect(ms).toBeLessThan(5_000);
  });

  it.each(['implicit', 'starttls'] as const)('reports a host name the certificate does not cover as tls_certificate (%s)', async (tls) => {
    const port = tls === 'implicit' ? servers.smtpTlsPort : servers.smtpSubmissionPort;
    const result = await verifySmtp(settings(port, tls, { host: 'mail.wrong.test', connectAddress: '127.0.0.1' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'tls_certificate' } });
    expect(!result.ok && result.error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reports an unresolvable host as host_not_found', async () => {
    expect(await verifySmtp(settings(465, 'implicit', { host: 'does-not-exist.invalid' }))).toMatchObject({
      ok: false,
      error: { code: 'host_not_found' },
    });
  });

  it('gives up at the timeout on a server that accepts connections and never answers', async () => {
    const { silentPort, close } = await startSilentServer();
    try {
      const { result, ms } = await timed(() => verifySmtp(settings(silentPort, 'implicit'), { timeoutMs: 1_500 }));
      expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
      expect(ms).toBeLessThan(3_000);
    } finally {
      await close();
    }
  });
});

/** Accepts TCP connections and never sends a byte: a server that hangs. */
async function startSilentServer(): Promise<{ silentPort: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    silentPort: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
