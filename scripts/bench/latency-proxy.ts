import net from 'node:net';

/**
 * A TCP proxy on loopback that holds every chunk for `oneWayMs` before passing it on, in both
 * directions: a remote mail server's round-trip time (2 × oneWayMs) in front of the local Dovecot.
 * Order is kept per direction (a chunk never overtakes the one before it), as on a real link.
 */
export interface LatencyProxy {
  port: number;
  /** Connections open right now. */
  connections(): number;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: { host: string; port: number }, oneWayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const delayed = (from: net.Socket, to: net.Socket) => {
    let lastDue = 0;
    from.on('data', (chunk) => {
      // Never earlier than the chunk before it, so a burst keeps its order.
      const due = Math.max(Date.now() + oneWayMs, lastDue);
      lastDue = due;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDue - Date.now()) + oneWayMs));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      // Either side failing ends the pair, as a dropped link would.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    delayed(client, upstream);
    delayed(upstream, client);
  });
  server.maxConnections = 20_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => sockets.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
