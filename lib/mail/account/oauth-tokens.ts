import { eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, type MailAccount } from '@/db/schema';
import { decryptSecret, encryptSecret } from '@/lib/crypto/envelope';
import { log } from '@/lib/log';
import { OAuthGrantRefusedError, oauthProviderConfig, refreshAccessToken } from '@/lib/mail/oauth';
import { accountCredentials, type MailServerSettings } from './accounts';
import { mailKeyring, oauthTokenAad } from './keyring';

/**
 * Credentials for connecting to the mailbox right now. For an account that signs in with its
 * provider that means an access token with some life left: whichever code needs the mailbox (import,
 * send, write-back, attachment download) refreshes it here when it is about to expire, once per
 * account however many ask at the same time — one promise per account in this process, and a row
 * lock in Postgres across processes (the second waits, then finds the token the first stored).
 */

/** A token with less than this left is refreshed first: an IMAP login or a send must not outlive it. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The mailbox cannot be signed in to without the user: the provider refused the refresh, or the provider is no longer configured. */
export class MailboxSignInError extends Error {
  override readonly name = 'MailboxSignInError';
  constructor(
    readonly reason: 'refused' | 'provider_not_configured',
    message: string,
  ) {
    super(message);
  }
}

export interface MailboxCredentials {
  imap: MailServerSettings;
  smtp: MailServerSettings;
}

/** Decrypted settings to connect with; for provider sign-in with a fresh access token. Throws MailboxSignInError when the user must reconnect. */
export async function mailboxCredentials(db: Database, account: MailAccount): Promise<MailboxCredentials> {
  const stored = accountCredentials(account);
  if (account.authMethod !== 'oauth2') return stored;
  const accessToken = await accessTokenFor(db, account);
  return { imap: { ...stored.imap, accessToken }, smtp: { ...stored.smtp, accessToken } };
}

const inFlight = new Map<string, Promise<string>>();

async function accessTokenFor(db: Database, account: MailAccount): Promise<string> {
  const usable = usableAccessToken(account, Date.now());
  if (usable) return usable;
  let pending = inFlight.get(account.id);
  if (!pending) {
    pending = refreshOnce(db, account.id).finally(() => inFlight.delete(account.id));
    inFlight.set(account.id, pending);
  }
  return pending;
}

function usableAccessToken(account: MailAccount, now: number): string | undefined {
  if (!account.oauthAccessTokenEncrypted || !account.oauthAccessTokenExpiresAt) return undefined;
  if (account.oauthAccessTokenExpiresAt.getTime() - now < REFRESH_MARGIN_MS) return undefined;
  return decryptSecret(account.oauthAccessTokenEncrypted, mailKeyring(), oauthTokenAad(account.userId, 'access'));
}

type RefreshOutcome = { ok: true; accessToken: string } | { ok: false; error: MailboxSignInError };

async function refreshOnce(db: Database, accountId: string): Promise<string> {
  const outcome = await db.transaction(async (tx): Promise<RefreshOutcome> => {
    const [row] = await tx.select().from(mailAccounts).where(eq(mailAccounts.id, accountId)).for('update').limit(1);
    if (!row || row.authMethod !== 'oauth2' || !row.oauthProvider || !row.oauthRefreshTokenEncrypted) {
      return { ok: false, error: new MailboxSignInError('refused', 'The mailbox no longer signs in with its provider: reconnect it.') };
    }
    // Another process may have refreshed while this one waited for the lock.
    const fresh = usableAccessToken(row, Date.now());
    if (fresh) return { ok: true, accessToken: fresh };
    const config = oauthProviderConfig(row.oauthProvider);
    if (!config) {
      return {
        ok: false,
        error: new MailboxSignInError('provider_not_configured', `Sign-in with ${row.oauthProvider} is no longer configured on this server (ask the administrator).`),
      };
    }
    const keyring = mailKeyring();
    const refreshToken = decryptSecret(row.oauthRefreshTokenEncrypted, keyring, oauthTokenAad(row.userId, 'refresh'));
    let tokens;
    try {
      tokens = await refreshAccessToken(config, refreshToken);
    } catch (error) {
      if (error instanceof OAuthGrantRefusedError) return { ok: false, error: new MailboxSignInError('refused', error.message) };
      throw error;
    }
    await tx
      .update(mailAccounts)
      .set({
        oauthAccessTokenEncrypted: encryptSecret(tokens.accessToken, keyring, oauthTokenAad(row.userId, 'access')),
        oauthAccessTokenExpiresAt: tokens.accessTokenExpiresAt,
        // Microsoft rotates refresh tokens; keep the newest (the old one may stop working).
        ...(tokens.refreshToken ? { oauthRefreshTokenEncrypted: encryptSecret(tokens.refreshToken, keyring, oauthTokenAad(row.userId, 'refresh')) } : {}),
      })
      .where(eq(mailAccounts.id, row.id));
    log('info', 'mailbox access token refreshed', { accountId: row.id, provider: row.oauthProvider });
    return { ok: true, accessToken: tokens.accessToken };
  });
  if (outcome.ok) return outcome.accessToken;
  // Outside the transaction, so the refusal is recorded: the same Reconnect banner as a wrong password.
  await db
    .update(mailAccounts)
    .set({ status: 'auth_failed', lastError: outcome.error.message, oauthAccessTokenEncrypted: null, oauthAccessTokenExpiresAt: null })
    .where(eq(mailAccounts.id, accountId));
  throw outcome.error;
}
