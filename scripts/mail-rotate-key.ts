// npm run mail:rotate-key
// After setting a new MAIL_ENCRYPTION_KEY and moving the old one to MAIL_ENCRYPTION_PREVIOUS_KEYS,
// re-encrypts every stored mailbox password and provider sign-in token with the new key. Then the old key can be removed.
import type { Database } from '@/db';
import { runDatabaseCommand } from '@/lib/cli/run';
import { mailKeyring , reencryptMailPasswords } from '@/lib/mail/account';

async function rotateKeyCommand(db: Database): Promise<number> {
  const keyring = mailKeyring();
  const report = await reencryptMailPasswords(db, keyring);
  console.log(
    `Checked ${report.accounts} mail account(s); re-encrypted ${report.reencrypted} with key "${keyring.current.id}". ` +
      (keyring.previous.length ? 'When every instance runs with the new key, remove MAIL_ENCRYPTION_PREVIOUS_KEYS.' : ''),
  );
  return 0;
}

runDatabaseCommand(rotateKeyCommand);
