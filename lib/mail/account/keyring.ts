import { parseKeyring, type Keyring } from '@/lib/crypto/envelope';
import { env } from '@/lib/env';

let cached: Keyring | undefined;

/** The mailbox-password keyring from MAIL_ENCRYPTION_KEY (+ MAIL_ENCRYPTION_PREVIOUS_KEYS), parsed once. */
export function mailKeyring(): Keyring {
  if (!cached) {
    const { mailEncryptionKey, mailEncryptionPreviousKeys } = env();
    try {
      cached = parseKeyring(mailEncryptionKey, mailEncryptionPreviousKeys);
    } catch (error) {
      throw new Error(`MAIL_ENCRYPTION_KEY / MAIL_ENCRYPTION_PREVIOUS_KEYS: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return cached;
}

/**
 * Binds a stored password to its owner and protocol, so an envelope copied into another user's row
 * (or from the IMAP column to the SMTP one) does not decrypt. The owner, not the account id, because
 * a user has one account and its id is not known before the insert.
 */
export const passwordAad = (userId: string, protocol: 'imap' | 'smtp') => `mail-account:${userId}:${protocol}`;

/** The same binding for the provider sign-in's tokens of an account (refresh and access token apart). */
export const oauthTokenAad = (userId: string, kind: 'refresh' | 'access') => `mail-account:${userId}:oauth-${kind}`;
