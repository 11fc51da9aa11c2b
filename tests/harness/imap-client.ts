import { ImapFlow, type ImapFlowOptions } from 'imapflow';

/**
 * A plain IMAP client, as another mail program would be: for tests and the benchmark to look at a
 * harness mailbox or change it behind the importer's back. Logged out (and closed) afterwards.
 */
export async function withImapClient<T>(options: ImapFlowOptions, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ logger: false, disableAutoIdle: true, ...options });
  // Connection errors also arrive as events; unhandled, they would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => undefined);
  }
}
