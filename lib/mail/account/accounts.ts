import { eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, type MailAccount } from '@/db/schema';
import { decryptSecret, encryptSecret } from '@/lib/crypto/envelope';
import type { DetectionSource } from './autodetect';
import type { TlsMode } from '@/lib/mail/transport';
import type { OAuthProviderId, OAuthTokens } from '@/lib/mail/oauth';
import { mailKeyring, oauthTokenAad, passwordAad } from './keyring';

export interface MailServerSettings {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
  /** Set for provider sign-in (XOAUTH2); the password is then empty. Never stored in this form. */
  accessToken?: string;
}

export interface MailAccountSettings {
  emailAddress: string;
  displayName: string;
  /** For an account that signs in with its provider the passwords are empty and `oauth` holds the tokens. */
  imap: MailServerSettings;
  smtp: MailServerSettings;
  source: DetectionSource | 'manual';
  oauth?: { provider: OAuthProviderId; tokens: OAuthTokens & { refreshToken: string } };
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
  /** How the account signs in: 'password', or 'oauth2' with the provider's sign-in. */
  authMethod: MailAccount['authMethod'];
  oauthProvider: MailAccount['oauthProvider'];
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
    authMethod: account.authMethod,
    oauthProvider: account.oauthProvider,
  };
}

/** The signed-in user's own account: every query is scoped by the owner, never by an id from the browser alone. */
export async function getMailAccount(db: Database, userId: string): Promise<MailAccount | undefined> {
  const [account] = await db.select().from(mailAccounts).where(eq(mailAccounts.userId, userId));
  return account;
}

/**
 * Decrypts the stored passwords (empty for an account that signs in with its provider). Code that
 * connects to the mailbox uses mailboxCredentials() instead, which also brings a fresh access token.
 */
export function accountCredentials(account: MailAccount): { imap: MailServerSettings; smtp: MailServerSettings } {
  const keyring = mailKeyring();
  const decrypt = (envelope: string | null, protocol: 'imap' | 'smtp') =>
    envelope === null ? '' : decryptSecret(envelope, keyring, passwordAad(account.userId, protocol));
  return {
    imap: {
      host: account.imapHost,
      port: account.imapPort,
      tls: account.imapTls,
      username: account.imapUsername,
      password: decrypt(account.imapPasswordEncrypted, 'imap'),
    },
    smtp: {
      host: account.smtpHost,
      port: account.smtpPort,
      tls: account.smtpTls,
      username: account.smtpUsername,
      password: decrypt(account.smtpPasswordEncrypted, 'smtp'),
    },
  };
}

/** Creates or replaces the user's one mail account with verified settings; passwords are sealed before they reach the database. */
export async function saveMailAccount(db: Database, userId: string, settings: MailAccountSettings): Promise<MailAccount> {
  const keyring = mailKeyring();
  const oauth = settings.oauth;
  const columns = {
    emailAddress: settings.emailAddress,
    displayName: settings.displayName,
    imapHost: settings.imap.host,
    imapPort: settings.imap.port,
    imapTls: settings.imap.tls,
    imapUsername: settings.imap.username,
    imapPasswordEncrypted: oauth ? null : encryptSecret(settings.imap.password, keyring, passwordAad(userId, 'imap')),
    smtpHost: settings.smtp.host,
    smtpPort: settings.smtp.port,
    smtpTls: settings.smtp.tls,
    smtpUsername: settings.smtp.username,
    smtpPasswordEncrypted: oauth ? null : encryptSecret(settings.smtp.password, keyring, passwordAad(userId, 'smtp')),
    authMethod: oauth ? ('oauth2' as const) : ('password' as const),
    oauthProvider: oauth?.provider ?? null,
    oauthRefreshTokenEncrypted: oauth ? encryptSecret(oauth.tokens.refreshToken, keyring, oauthTokenAad(userId, 'refresh')) : null,
    oauthAccessTokenEncrypted: oauth ? encryptSecret(oauth.tokens.accessToken, keyring, oauthTokenAad(userId, 'access')) : null,
    oauthAccessTokenExpiresAt: oauth?.tokens.accessTokenExpiresAt ?? null,
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
