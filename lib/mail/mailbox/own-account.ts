import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts } from '@/db/schema';

/**
 * Every mailbox query is scoped through the signed-in user's own account (mail_accounts.user_id),
 * never by an id from the URL alone, so nobody reads or changes another user's mail.
 */
export async function ownAccountId(db: Pick<Database, 'select'>, userId: string): Promise<string | null> {
  const [row] = await db.select({ id: mailAccounts.id }).from(mailAccounts).where(eq(mailAccounts.userId, userId));
  return row?.id ?? null;
}

/** The same scope as a subquery, for single statements. */
export const ownAccount = (userId: string) => sql`(select ${mailAccounts.id} from ${mailAccounts} where ${mailAccounts.userId} = ${userId})`;
