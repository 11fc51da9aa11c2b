import { eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, type MailAccount } from '@/db/schema';
import { decryptSecret, encryptSecret } from '@/lib/crypto/envelope';
import type { DetectionSource } from './autodetect';
import type { TlsMode } from '@/lib/mail/transport';
import { mailKeyring, passwordAad } from './keyring';

export interface MailServerSettings {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
}

export interface MailAccountSettings {
  emailAddress: string;
  displayName: string;
  imap: MailServerSettings;
  smtp: MailServerSettings;
  source: DetectionSource | 'manual';
}

/** What pages and the browser may see of an account: everything but the passwords. */
export interface MailAccountView {
  id: string;
  emailAddress: string;
  displayName: string;
  imap: Omit<MailServerSettings, 'password'>;
  smtp: Omit<MailServerSettings, 'password'>;
  source: MailAccount['settingsSource'];
  status: MailAccount['status'];
  lastError: string | null;
}

export function toAccountView(account: MailAccount): MailAccountView {
  return {
    id: account.id,
    emailAddress: account.emailAddress,
    displayName: account.displayName,
    imap: { host: account.imapHost, port: account.imapPort, tls: account.imapTls, username: account.imapUsername },
    smtp: { host: account.smtpHost, port: account.smtpPort, tls: account.smtpTls, username: account.smtpUsername },
    source: account.settingsSource,
    status: account.status,
    lastError: account.lastError,
  };
}

/** The signed-in user's own account: every query is scoped by the owner, never by an id from the browser alone. */
export async function getMailAccount(db: Database, userId: string): Promise<MailAccount | undefined> {
  const [account] = await db.select().from(mailAccounts).where(eq(mailAccounts.userId, userId));
  return account;
}

/** Decrypts the stored settings for a connection. Only server code that connects to the mailbox calls this. */
export function accountCredentials(account: MailAccount): { imap: MailServerSettings; smtp: MailServerSettings } {
  const keyring = mailKeyring();
  return {
    imap: {
      host: account.imapHost,
      port: account.imapPort,
      tls: account.imapTls,
      username: account.imapUsername,
      password: decryptSecret(account.imapPasswordEncrypted, keyring, passwordAad(account.userId, 'imap')),
    },
    smtp: {
      host: account.smtpHost,
      port: account.smtpPort,
      tls: account.smtpTls,
      username: account.smtpUsername,
      password: decryptSecret(account.smtpPasswordEncrypted, keyring, passwordAad(account.userId, 'smtp')),
    },
  };
}

/** Creates or replaces the user's one mail account with verified settings; passwords are sealed before they reach the database. */
export async function saveMailAccount(db: Database, userId: string, settings: MailAccountSettings): Promise<MailAccount> {
  const keyring = mailKeyring();
  const columns = {
    emailAddress: settings.emailAddress,
    displayName: settings.displayName,
    imapHost: settings.imap.host,
    imapPort: settings.imap.port,
    imapTls: settings.imap.tls,
    imapUsername: settings.imap.username,
    imapPasswordEncrypted: encryptSecret(settings.imap.password, keyring, passwordAad(userId, 'imap')),
    smtpHost: settings.smtp.host,
    smtpPort: settings.smtp.port,
    smtpTls: settings.smtp.tls,
    smtpUsername: settings.smtp.username,
    smtpPasswordEncrypted: encryptSecret(settings.smtp.password, keyring, passwordAad(userId, 'smtp')),
    settingsSource: settings.source,
    status: 'ok' as const,
    lastError: null,
    updatedAt: new Date(),
  };
  const [saved] = await db
    .insert(mailAccounts)
    .values({ userId, ...columns })
    .onConflictDoUpdate({ target: mailAccounts.userId, set: columns })
    .returning();
  if (!saved) throw new Error('saving the mail account returned no row');
  return saved;
}

/** Removes the user's account and its stored credentials (imported mail goes with it by cascade). */
export async function deleteMailAccount(db: Database, userId: string): Promise<boolean> {
  const deleted = await db.delete(mailAccounts).where(eq(mailAccounts.userId, userId)).returning({ id: mailAccounts.id });
  return deleted.length > 0;
}
