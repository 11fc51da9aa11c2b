import { ImapFlow } from 'imapflow';
import { env } from '@/lib/env';
import { resolveMailHost } from './egress';
import { imapClientOptions, type ConnectionTimeouts, type ServerSettings } from './client-options';

/**
 * One IMAP connection that sits in IDLE on a mailbox's INBOX and reports that something changed
 * there (new mail, expunges, flags). It reads nothing itself: the importer does the work, under the
 * account's lease, when told. EXAMINE (read-only), so watching never changes \Recent or \Seen.
 */

const TIMEOUTS: ConnectionTimeouts = {
  connectionMs: 15_000,
  greetingMs: 15_000,
  // IDLE is restarted well within this (MAX_IDLE_MS), so only a dead connection stays quiet this long.
  socketMs: 10 * 60_000,
};
/** RFC 2177 asks clients to re-issue IDLE at least every 29 minutes; NATs and some servers drop quieter connections sooner. */
const MAX_IDLE_MS = 4 * 60_000;
/** How soon after EXAMINE (and after each command) IDLE starts. */
const IDLE_START_DELAY_MS = 200;

export type InboxChange = 'exists' | 'expunge' | 'flags';

export interface InboxWatch {
  /** Resolves with the reason once the connection ended (closed by us, the server or the network). */
  readonly ended: Promise<Error | null>;
  close(): void;
}

export async function watchInbox(imap: Omit<ServerSettings, 'connectAddress'>, onChange: (change: InboxChange) => void): Promise<InboxWatch> {
  const { address } = await resolveMailHost(imap.host, { allowPrivate: env().mailAllowPrivateHosts });
  const client = new ImapFlow({
    ...imapClientOptions({ ...imap, connectAddress: address }, TIMEOUTS),
    maxIdleTime: MAX_IDLE_MS,
    autoIdleDelay: IDLE_START_DELAY_MS,
  });
  let lastError: Error | null = null;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  const ended = new Promise<Error | null>((resolve) => client.once('close', () => resolve(lastError)));
  try {
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
  } catch (error) {
    client.close();
    throw error;
  }
  client.on('exists', () => onChange('exists'));
  client.on('expunge', () => onChange('expunge'));
  client.on('flags', () => onChange('flags'));
  return {
    ended,
    close: () => client.close(),
  };
}
