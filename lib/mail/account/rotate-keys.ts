import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts } from '@/db/schema';
import { needsReencryption, reencryptSecret, type Keyring } from '@/lib/crypto/envelope';
import { passwordAad } from './keyring';

export interface RotationReport {
  accounts: number;
  reencrypted: number;
}

/**
 * Re-seals every stored mailbox password that is not under the current key. Afterwards the
 * previous keys can be dropped from MAIL_ENCRYPTION_PREVIOUS_KEYS. Safe to run again: rows
 * already under the current key are left alone.
 */
export async function reencryptMailPasswords(db: Database, keyring: Keyring): Promise<RotationReport> {
  const rows = await db.select().from(mailAccounts);
  let reencrypted = 0;
  for (const row of rows) {
    const update: Partial<typeof mailAccounts.$inferInsert> = {};
    if (needsReencryption(row.imapPasswordEncrypted, keyring)) {
      update.imapPasswordEncrypted = reencryptSecret(row.imapPasswordEncrypted, keyring, passwordAad(row.userId, 'imap'));
    }
    if (needsReencryption(row.smtpPasswordEncrypted, keyring)) {
      update.smtpPasswordEncrypted = reencryptSecret(row.smtpPasswordEncrypted, keyring, passwordAad(row.userId, 'smtp'));
    }
    if (Object.keys(update).length === 0) continue;
    // Only if nobody changed the row meanwhile: a password saved under the new key must not be overwritten.
    const changed = await db
      .update(mailAccounts)
      .set(update)
      .where(
        and(
          eq(mailAccounts.id, row.id),
          eq(mailAccounts.imapPasswordEncrypted, row.imapPasswordEncrypted),
          eq(mailAccounts.smtpPasswordEncrypted, row.smtpPasswordEncrypted),
        ),
      )
      .returning({ id: mailAccounts.id });
    reencrypted += changed.length;
  }
  return { accounts: rows.length, reencrypted };
}
