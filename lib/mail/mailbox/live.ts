import { sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import { mailFolders } from '@/db/schema';
import { ownAccount } from './own-account';

/**
 * A cheap fingerprint of the user's imported mailbox for the open Inbox page: it changes when an
 * import adds mail (UIDNEXT), sees flag changes or expunges (HIGHESTMODSEQ), or the unread counts
 * move, and reads only the account's few folder rows, never the messages.
 */
export interface MailboxVersion {
  version: string;
  /** Unread messages in the INBOX, for the tab title. */
  inboxUnread: number;
}

export async function getMailboxVersion(db: Database, userId: string): Promise<MailboxVersion | null> {
  const [row] = await executeRows<{ folders: number | string; uid_next: string | null; modseq: string | null; unread: string | null; inbox_unread: string | null }>(
    db,
    sql`select count(*) as folders,
               sum(coalesce(${mailFolders.uidNext}, 0))::text as uid_next,
               sum(coalesce(${mailFolders.highestModseq}, 0))::text as modseq,
               sum(${mailFolders.unreadCount})::text as unread,
               sum(${mailFolders.unreadCount}) filter (where ${mailFolders.specialUse} = 'inbox')::text as inbox_unread
          from ${mailFolders} where ${mailFolders.accountId} = ${ownAccount(userId)}`,
  );
  if (!row || Number(row.folders) === 0) return null;
  return { version: `${row.folders}.${row.uid_next ?? 0}.${row.modseq ?? 0}.${row.unread ?? 0}`, inboxUnread: Number(row.inbox_unread ?? 0) };
}

/** How often the stream looks; one small query per open Inbox tab. */
const POLL_MS = 2_000;
const HEARTBEAT_MS = 20_000;
/** The stream ends after this and the browser reconnects, which checks the session again. */
const STREAM_LIFETIME_MS = 60_000;

/**
 * Server-sent events for the user's own mailbox: a `mailbox` event with the version and the INBOX's
 * unread count at once and whenever they change. Only ever reads the user's own account.
 */
export function mailboxEvents(db: Database, userId: string, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const started = Date.now();
      let last: string | null = null;
      let lastSent = Date.now();
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      signal.addEventListener('abort', close, { once: true });
      controller.enqueue(encoder.encode('retry: 2000\n\n'));
      const tick = async () => {
        if (closed) return;
        try {
          const current = await getMailboxVersion(db, userId);
          const version = current?.version ?? 'none';
          if (version !== last) {
            last = version;
            lastSent = Date.now();
            controller.enqueue(encoder.encode(`event: mailbox\ndata: ${JSON.stringify({ version, inboxUnread: current?.inboxUnread ?? 0 })}\n\n`));
          } else if (Date.now() - lastSent > HEARTBEAT_MS) {
            lastSent = Date.now();
            controller.enqueue(encoder.encode(': keep-alive\n\n'));
          }
        } catch {
          // The database is away for a moment: the browser reconnects and the next stream tries again.
          close();
          return;
        }
        if (Date.now() - started > STREAM_LIFETIME_MS) close();
        else timer = setTimeout(() => void tick(), POLL_MS);
      };
      void tick();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
