import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts } from '@/db/schema';
import { needsReencryption, reencryptSecret, type Keyring } from '@/lib/crypto/envelope';
import { oauthTokenAad, passwordAad } from './keyring';

export interface RotationReport {
  accounts: number;
  reencrypted: number;
}

type SealedColumn = 'imapPasswordEncrypted' | 'smtpPasswordEncrypted' | 'oauthRefreshTokenEncrypted' | 'oauthAccessTokenEncrypted';

const SEALED_COLUMNS: ReadonlyArray<{ column: SealedColumn; aad: (userId: string) => string }> = [
  { column: 'imapPasswordEncrypted', aad: (userId) => passwordAad(userId, 'imap') },
  { column: 'smtpPasswordEncrypted', aad: (userId) => passwordAad(userId, 'smtp') },
  { column: 'oauthRefreshTokenEncrypted', aad: (userId) => oauthTokenAad(userId, 'refresh') },
  { column: 'oauthAccessTokenEncrypted', aad: (userId) => oauthTokenAad(userId, 'access') },
];

/**
 * Re-seals every stored mailbox password and provider token that is not under the current key. Afterwards the
 * previous keys can be dropped from MAIL_ENCRYPTION_PREVIOUS_KEYS. Safe to run again: rows
 * already under the current key are left alone.
 */
export async function reencryptMailPasswords(db: Database, keyring: Keyring): Promise<RotationReport> {
  const rows = await db.select().from(mailAccounts);
  let reencrypted = 0;
  for (const row of rows) {
    const update: Partial<typeof mailAccounts.$inferInsert> = {};
    for (const { column, aad } of SEALED_COLUMNS) {
      const sealed = row[column];
      if (sealed !== null && needsReencryption(sealed, keyring)) update[column] = reencryptSecret(sealed, keyring, aad(row.userId));
    }
    if (Object.keys(update).length === 0) continue;
    // Only if nobody changed the row meanwhile: a password saved under the new key must not be overwritten.
    const changed = await db
      .update(mailAccounts)
      .set(update)
      .where(
        and(
          eq(mailAccounts.id, row.id),
          ...SEALED_COLUMNS.map(({ column }) => {
            const sealed = row[column];
            return sealed === null ? isNull(mailAccounts[column]) : eq(mailAccounts[column], sealed);
          }),
        ),
      )
      .returning({ id: mailAccounts.id });
    reencrypted += changed.length;
  }
  return { accounts: rows.length, reencrypted };
}
