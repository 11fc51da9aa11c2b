import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailTrustedSenders } from '@/db/schema';

/**
 * Senders whose remote images the user always wants ("Always show images from this sender"), besides
 * the E-mail options default and "Show images" for one message. Addresses compare lower-cased.
 */
export async function trustsSenderImages(db: Database, userId: string, addresses: readonly string[]): Promise<boolean> {
  const wanted = [...new Set(addresses.map((address) => address.trim().toLowerCase()).filter(Boolean))];
  if (wanted.length === 0) return false;
  const rows = await db
    .select({ address: mailTrustedSenders.address })
    .from(mailTrustedSenders)
    .where(and(eq(mailTrustedSenders.userId, userId), inArray(mailTrustedSenders.address, wanted)))
    .limit(1);
  return rows.length > 0;
}

export async function setSenderImagesTrusted(db: Database, userId: string, address: string, trusted: boolean): Promise<void> {
  const normalized = address.trim().toLowerCase();
  if (trusted) await db.insert(mailTrustedSenders).values({ userId, address: normalized }).onConflictDoNothing();
  else await db.delete(mailTrustedSenders).where(and(eq(mailTrustedSenders.userId, userId), eq(mailTrustedSenders.address, normalized)));
}
