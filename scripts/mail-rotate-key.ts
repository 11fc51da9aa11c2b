// npm run mail:rotate-key
// After setting a new MAIL_ENCRYPTION_KEY and moving the old one to MAIL_ENCRYPTION_PREVIOUS_KEYS,
// re-encrypts every stored mailbox password with the new key. Then the old key can be removed.
import { getDatabaseHandle } from '@/db';
import { mailKeyring } from '@/lib/mail/keyring';
import { reencryptMailPasswords } from '@/lib/mail/rotate-keys';

async function main() {
  const keyring = mailKeyring();
  const handle = await getDatabaseHandle();
  try {
    const report = await reencryptMailPasswords(handle.db, keyring);
    console.log(
      `Checked ${report.accounts} mail account(s); re-encrypted ${report.reencrypted} with key "${keyring.current.id}". ` +
        (keyring.previous.length ? 'When every instance runs with the new key, remove MAIL_ENCRYPTION_PREVIOUS_KEYS.' : ''),
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
