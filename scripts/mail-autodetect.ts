/**
 * Prints the IMAP/SMTP settings detected for an e-mail address, as JSON.
 *
 *   tsx scripts/mail-autodetect.ts someone@example.com
 *
 * Exit codes: 0 found, 1 nothing found, 2 invalid address or usage.
 * Big providers come from the built-in table and need no network.
 */
import { defaultAutodetectDeps, detectMailSettings, parseEmailAddress } from '@/lib/mail/account';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length !== 1 || argv[0] === undefined) {
    console.error('Usage: tsx scripts/mail-autodetect.ts <e-mail address>');
    return 2;
  }
  const input = argv[0];
  const email = parseEmailAddress(input);
  if (email === null) {
    console.error(`"${input}" is not a valid e-mail address.`);
    return 2;
  }

  const settings = await detectMailSettings(email.address, defaultAutodetectDeps());
  if (settings === null) {
    console.error(
      `Could not recognise the mail provider for ${email.domain}; enter the server settings by hand.`,
    );
    return 1;
  }
  const { imap, smtp, source, provider } = settings;
  console.log(JSON.stringify({ imap, smtp, source, provider: provider ?? null }, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
