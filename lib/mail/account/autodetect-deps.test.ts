import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAutodetectDeps } from './autodetect-deps';
import type { ResolvedAddress } from '@/lib/mail/transport';

// The real network dependencies, exercised against servers on loopback only.

const TLS_DIR = path.join(__dirname, '__fixtures__/tls');
const certificate = readFileSync(path.join(TLS_DIR, 'localhost.cert.pem'), 'utf8');
const privateKey = readFileSync(path.join(TLS_DIR, 'localhost.key.pem'), 'utf8');

const CONFIG_BODY = '<clientConfig version="1.1"><emailProvider id="example.test"/></clientConfig>';

let server: HttpsServer;
let port = 0;
let requestedPaths: string[] = [];
let tcpConnections = 0;

/** Resolves every name to loopback, standing in for DNS; the certificate covers *.example.test. */
const loopbackLookup = async (_host: string): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }];

beforeAll(async () => {
  server = createHttpsServer({ cert: certificate, key: privateKey }, (request, response) => {
    const url = request.url ?? '/';
    requestedPaths.push(url);
    const redirect = /^\/redirect\/(\d+)$/.exec(url);
    if (redirect !== null) {
      const remaining = Number(redirect[1]);
      response.writeHead(302, { location: remaining > 0 ? `/redirect/${remaining - 1}` : '/config.xml' });
      response.end();
    } else if (url === '/to-http') {
      response.writeHead(301, { location: `http://localhost:${port}/config.xml` });
      response.end();
    } else if (url === '/config.xml') {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(CONFIG_BODY);
    } else if (url === '/huge') {
      // No content-length: the cap must hold while streaming.
      response.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = 'x'.repeat(64 * 1024);
      for (let index = 0; index < 8; index += 1) {
        response.write(chunk);
      }
      response.end();
    } else if (url === '/slow') {
      setTimeout(() => response.end(CONFIG_BODY), 5_000).unref();
    } else {
      response.writeHead(404);
      response.end('not found');
    }
  });
  server.on('connection', () => {
    tcpConnections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function freshSignal(): AbortSignal {
  return AbortSignal.timeout(4_000);
}

describe('defaultAutodetectDeps().fetchText', () => {
  const trusted = () => defaultAutodetectDeps({ allowPrivate: true, trustedCa: certificate, lookup: loopbackLookup });

  it('fetches over HTTPS from the address the SSRF guard approved', async () => {
    requestedPaths = [];
    const text = await trusted().fetchText(`https://autoconfig.example.test:${port}/config.xml`, freshSignal());
    expect(text).toBe(CONFIG_BODY);
    expect(requestedPaths).toEqual(['/config.xml']);
  });

  it('follows up to three redirects, no more', async () => {
    await expect(trusted().fetchText(`https://localhost:${port}/redirect/2`, freshSignal())).resolves.toBe(
      CONFIG_BODY,
    );
    await expect(trusted().fetchText(`https://localhost:${port}/redirect/3`, freshSignal())).resolves.toBeNull();
  });

  it('refuses to follow a redirect to plain HTTP', async () => {
    requestedPaths = [];
    await expect(trusted().fetchText(`https://localhost:${port}/to-http`, freshSignal())).resolves.toBeNull();
    expect(requestedPaths).toEqual(['/to-http']);
  });

  it('refuses plain HTTP URLs outright', async () => {
    await expect(trusted().fetchText(`http://localhost:${port}/config.xml`, freshSignal())).resolves.toBeNull();
  });

  it('gives up on bodies over the size cap and on error statuses', async () => {
    await expect(trusted().fetchText(`https://localhost:${port}/huge`, freshSignal())).resolves.toBeNull();
    await expect(trusted().fetchText(`https://localhost:${port}/missing`, freshSignal())).resolves.toBeNull();
  });

  it('verifies the certificate', async () => {
    const untrusting = defaultAutodetectDeps({ allowPrivate: true, lookup: loopbackLookup });
    await expect(untrusting.fetchText(`https://localhost:${port}/config.xml`, freshSignal())).resolves.toBeNull();
  });

  it('does not even connect when the host resolves to a private address', async () => {
    const guarded = defaultAutodetectDeps({ trustedCa: certificate, lookup: loopbackLookup });
    const before = tcpConnections;
    await expect(
      guarded.fetchText(`https://autoconfig.example.test:${port}/config.xml`, freshSignal()),
    ).resolves.toBeNull();
    expect(tcpConnections).toBe(before);
  });

  it('stops when the signal aborts', async () => {
    const started = Date.now();
    await expect(trusted().fetchText(`https://localhost:${port}/slow`, AbortSignal.timeout(100))).resolves.toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('defaultAutodetectDeps().probePort', () => {
  let tcpServer: TcpServer;
  let openPort = 0;
  let closedPort = 0;

  beforeAll(async () => {
    tcpServer = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
    openPort = (tcpServer.address() as AddressInfo).port;
    // A port that was just free: listen, note it, close it again.
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => tcpServer.close(() => resolve()));
  });

  it('reports an open port when private addresses are allowed', async () => {
    const deps = defaultAutodetectDeps({ allowPrivate: true });
    await expect(deps.probePort('127.0.0.1', openPort, freshSignal())).resolves.toBe(true);
    await expect(deps.probePort('127.0.0.1', closedPort, freshSignal())).resolves.toBe(false);
  });

  it('never probes private addresses otherwise, so it cannot scan the internal network', async () => {
    const deps = defaultAutodetectDeps();
    await expect(deps.probePort('127.0.0.1', openPort, freshSignal())).resolves.toBe(false);
    await expect(deps.probePort('localhost', openPort, freshSignal())).resolves.toBe(false);
  });
});
