import { getDb } from '@/db';
import { unknownSendersOfMessage } from '@/lib/crm/senders';
import type { Viewer } from '@/lib/crm/shared';
import { UnknownSenders } from './unknown-senders';

/**
 * "Unknown sender" on an open message: the addresses of the viewer's message that match no contact
 * (the sender of incoming mail, the recipients of outgoing), each with "Add contact".
 */
export async function UnknownSenderBanner({ viewer, messageId }: { viewer: Viewer; messageId: string }) {
  const senders = await unknownSendersOfMessage(await getDb(), viewer, messageId);
  if (!senders) return null;
  // Keyed by message: what was just added is remembered while this message stays open.
  return <UnknownSenders key={messageId} messageId={messageId} senders={senders} />;
}
