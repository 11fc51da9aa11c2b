import { execFile as execFileCb } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailAccounts, mailFolders, mailMessages, type User } from '@/db/schema';
import { parseKeyring } from '@/lib/crypto/envelope';
import { detectOAuthSignIn, finishOAuthSignIn, type AutodetectDeps, getMailAccount, mailboxCredentials, MailboxSignInError, OAuthSignInError, reencryptMailPasswords, startOAuthSignIn } from '@/lib/mail/account';
import { composeSchema, sendMail } from '@/lib/mail/compose';
import { runImportPass, type ImportPassOptions } from '@/lib/mail/sync';
import { createUser } from '@/lib/users/service';
import { freshPostgres } from '../harness/databases';
import { startMailServers, type MailServers } from '../harness/mail-servers';
import { startOAuthServer, type TestOAuthServer } from '../harness/oauth-server';

const execFile = promisify(execFileCb);

// The real OAuth server, and a Dovecot (with Postfix through Dovecot SASL) of this file's own that
// accepts the tokens it signs: XOAUTH2 end to end, offline.
let oauth: TestOAuthServer;
let mail: MailServers;
let handle: DatabaseHandle;
let databaseUrl: string;
const REDIRECT_URI = 'http://127.0.0.1:3999/api/mail/oauth/callback';

beforeAll(async () => {
  oauth = await startOAuthServer();
  mail = await startMailServers({ oauth2: oauth.validation });
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `oa1:${Buffer.alloc(32, 5).toString('base64')}`;
  process.env.MICROSOFT_CLIENT_ID = oauth.clientId;
  process.env.MICROSOFT_CLIENT_SECRET = oauth.clientSecret;
  process.env.GOOGLE_CLIENT_ID = oauth.clientId;
  process.env.GOOGLE_CLIENT_SECRET = oauth.clientSecret;
  process.env.MAIL_OAUTH_TEST_SERVER_URL = oauth.url;
  ({ handle, url: databaseUrl } = await freshPostgres());
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await mail?.stop();
  await oauth?.stop();
});

const alice = () => mail.users.find((user) => user.email === 'alice@example.test')!;

function servers() {
  const login = { host: mail.host, tls: 'none' as const, username: alice().email };
  return { imap: { ...login, port: mail.imapPlainPort }, smtp: { ...login, port: mail.smtpPlainPort }, source: 'manual' as const };
}

async function newUser(): Promise<User> {
  const tag = crypto.randomBytes(4).toString('hex');
  return createUser(handle.db, { name: `OAuth ${tag}`, email: `oauth-${tag}@crm.test`, password: 'oauth user password 1', role: 'member' });
}

/** The browser's round trip through the provider: follow the authorize URL to the redirect back to the app. */
async function consent(authorizeUrl: URL): Promise<URL> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

async function connectWithProvider(user: User, sessionId = 'session-a', provider: 'microsoft' | 'google' = 'microsoft'): Promise<URL> {
  const authorizeUrl = await startOAuthSignIn(handle.db, {
    userId: user.id,
    sessionId,
    provider,
    emailAddress: alice().email,
    displayName: 'Alice',
    servers: servers(),
    redirectUri: REDIRECT_URI,
  });
  expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizeUrl.searchParams.get('scope')).toContain(provider === 'microsoft' ? 'https://outlook.office.com/IMAP.AccessAsUser.All' : 'https://mail.google.com/');
  const callbackUrl = await consent(authorizeUrl);
  const outcome = await finishOAuthSignIn(handle.db, { userId: user.id, sessionId, callbackUrl, redirectUri: REDIRECT_URI });
  expect(outcome).toMatchObject({ connected: true, emailAddress: alice().email });
  return callbackUrl;
}

async function importFolder(accountId: string, folder: string, options: Partial<ImportPassOptions> = {}) {
  await handle.db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, accountId));
  const summary = await runImportPass(handle.db, { budgetMs: 60_000, workerId: 'oauth-test', accountIds: [accountId], ...options });
  return summary.accounts.find((entry) => entry.accountId === accountId);
}

async function onlyFolder(accountId: string, folder: string) {
  await handle.db.update(mailFolders).set({ selectedForImport: false }).where(eq(mailFolders.accountId, accountId));
  await handle.db.insert(mailFolders).values({ accountId, path: folder, name: folder, delimiter: '/', selectedForImport: true }).onConflictDoNothing();
  await handle.db.update(mailFolders).set({ selectedForImport: true }).where(and(eq(mailFolders.accountId, accountId), eq(mailFolders.path, folder)));
}

function raw(subject: string): string {
  return `From: Carol <carol@example.test>\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${crypto.randomUUID()}@example.test>\r\n\r\nHello\r\n`;
}

async function countIn(accountId: string, folder: string): Promise<number> {
  const rows = await handle.db
    .select({ id: mailMessages.id })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailMessages.accountId, accountId), eq(mailFolders.path, folder)));
  return rows.length;
}

describe('connecting with Microsoft or Google (OAuth2, XOAUTH2) against real servers', () => {
  it.each(['microsoft', 'google'] as const)('signs in with %s, verifies IMAP and SMTP with the token, saves it sealed, imports and sends', async (provider) => {
    const user = await newUser();
    await connectWithProvider(user, 'session-a', provider);
    const account = (await getMailAccount(handle.db, user.id))!;
    expect(account).toMatchObject({ authMethod: 'oauth2', oauthProvider: provider, imapPasswordEncrypted: null, smtpPasswordEncrypted: null, status: 'ok' });
    expect(account.oauthRefreshTokenEncrypted).toMatch(/^v1\./);

    const folder = `OAuth-${crypto.randomBytes(3).toString('hex')}`;
    await onlyFolder(account.id, folder);
    for (let i = 0; i < 3; i++) await mail.deliver(raw(`Via token ${i}`), alice().email, { folder, flags: '' });
    expect(await importFolder(account.id, folder)).toMatchObject({ outcome: 'ok' });
    expect(await countIn(account.id, folder)).toBe(3);

    const subject = `Sent with a token ${crypto.randomBytes(3).toString('hex')}`;
    const sent = await sendMail(handle.db, user, composeSchema.parse({ to: 'bob@example.test', subject, body: 'Hi Bob' }));
    expect(sent.acceptedRecipients).toContain('bob@example.test');
  });

  it('refreshes an access token that expired between passes of an import, and the import completes', async () => {
    const user = await newUser();
    oauth.setAccessTokenTtl(3);
    try {
      await connectWithProvider(user);
      const account = (await getMailAccount(handle.db, user.id))!;
      const folder = `Expiring-${crypto.randomBytes(3).toString('hex')}`;
      await onlyFolder(account.id, folder);
      for (let i = 0; i < 40; i++) await mail.deliver(raw(`Expiring ${i}`), alice().email, { folder, flags: '' });
      const refreshesBefore = oauth.grants.refresh_token ?? 0;
      // The first pass stops after its first batches: the import is half done when the token expires.
      const stop = new AbortController();
      const watcher = setInterval(() => void countIn(account.id, folder).then((count) => count > 0 && stop.abort()), 20);
      const first = await importFolder(account.id, folder, { maxBatchMessages: 5, stopSignal: stop.signal }).finally(() => clearInterval(watcher));
      expect(first?.outcome).toBe('ok');
      const afterFirst = await countIn(account.id, folder);
      expect(afterFirst).toBeGreaterThan(0);
      expect(afterFirst).toBeLessThan(40);
      // Dovecot checks the token's expiry itself: the next pass fails unless the app refreshes first.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      for (let pass = 0; pass < 10 && (await countIn(account.id, folder)) < 40; pass++) {
        expect(await importFolder(account.id, folder)).toMatchObject({ outcome: 'ok' });
      }
      expect(await countIn(account.id, folder)).toBe(40);
      expect((oauth.grants.refresh_token ?? 0) - refreshesBefore).toBeGreaterThanOrEqual(2);
    } finally {
      oauth.setAccessTokenTtl(3600);
    }
  });

  it('refreshes once per account when several need the mailbox at the same time', async () => {
    const user = await newUser();
    await connectWithProvider(user);
    const account = (await getMailAccount(handle.db, user.id))!;
    await handle.db.update(mailAccounts).set({ oauthAccessTokenExpiresAt: new Date(Date.now() - 1000) }).where(eq(mailAccounts.id, account.id));
    const stale = (await getMailAccount(handle.db, user.id))!;
    const before = oauth.grants.refresh_token ?? 0;
    const tokens = await Promise.all(Array.from({ length: 6 }, () => mailboxCredentials(handle.db, stale)));
    expect(new Set(tokens.map((credentials) => credentials.imap.accessToken)).size).toBe(1);
    expect((oauth.grants.refresh_token ?? 0) - before).toBe(1);
  });

  it('marks the account for Reconnect when the provider refuses the refresh, and reconnecting restores the import', async () => {
    const user = await newUser();
    await connectWithProvider(user);
    const account = (await getMailAccount(handle.db, user.id))!;
    const folder = `Revoked-${crypto.randomBytes(3).toString('hex')}`;
    await onlyFolder(account.id, folder);
    await mail.deliver(raw('After revocation'), alice().email, { folder, flags: '' });
    oauth.revokeRefreshTokens(alice().email);
    await handle.db.update(mailAccounts).set({ oauthAccessTokenExpiresAt: new Date(Date.now() - 1000) }).where(eq(mailAccounts.id, account.id));

    expect(await importFolder(account.id, folder)).toMatchObject({ outcome: 'auth_failed' });
    expect(await getMailAccount(handle.db, user.id)).toMatchObject({ status: 'auth_failed', lastError: expect.stringContaining('invalid_grant') });
    await expect(mailboxCredentials(handle.db, (await getMailAccount(handle.db, user.id))!)).rejects.toBeInstanceOf(MailboxSignInError);

    await connectWithProvider(user);
    expect(await getMailAccount(handle.db, user.id)).toMatchObject({ status: 'ok', authMethod: 'oauth2' });
    expect(await importFolder(account.id, folder)).toMatchObject({ outcome: 'ok' });
    expect(await countIn(account.id, folder)).toBe(1);
  });

  it('refuses a forged state, a replayed state and a state from another session', async () => {
    const user = await newUser();
    const callbackUrl = await connectWithProvider(user);
    // Replayed: the state was used by the sign-in above.
    await expect(finishOAuthSignIn(handle.db, { userId: user.id, sessionId: 'session-a', callbackUrl, redirectUri: REDIRECT_URI })).rejects.toMatchObject({
      problem: 'state_invalid',
    });
    // Forged: a state the app never issued.
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', crypto.randomBytes(32).toString('base64url'));
    await expect(finishOAuthSignIn(handle.db, { userId: user.id, sessionId: 'session-a', callbackUrl: forged, redirectUri: REDIRECT_URI })).rejects.toBeInstanceOf(
      OAuthSignInError,
    );
    // Another session of the same user (or a victim's browser sent the attacker's callback).
    const authorizeUrl = await startOAuthSignIn(handle.db, {
      userId: user.id,
      sessionId: 'session-a',
      provider: 'microsoft',
      emailAddress: alice().email,
      displayName: '',
      servers: servers(),
      redirectUri: REDIRECT_URI,
    });
    const other = await consent(authorizeUrl);
    await expect(finishOAuthSignIn(handle.db, { userId: user.id, sessionId: 'session-b', callbackUrl: other, redirectUri: REDIRECT_URI })).rejects.toMatchObject({
      problem: 'state_invalid',
    });
  });

  it('keeps no token in clear in a database dump, and key rotation re-seals the tokens', async () => {
    const user = await newUser();
    await connectWithProvider(user);
    const bin = fs.readdirSync('/usr/lib/postgresql').map((version) => path.join('/usr/lib/postgresql', version, 'bin', 'pg_dump')).find((file) => fs.existsSync(file))!;
    const dumpOf = async () => (await execFile(bin, ['--data-only', databaseUrl], { maxBuffer: 256 * 1024 * 1024 })).stdout;
    const secrets = oauth.issuedSecrets();
    expect(secrets.length).toBeGreaterThan(0);
    const dump = await dumpOf();
    expect(dump).toContain('oauth2');
    for (const secret of secrets) expect(dump.includes(secret), 'a token is in the dump in clear').toBe(false);

    const rotated = parseKeyring(`oa2:${Buffer.alloc(32, 6).toString('base64')}`, process.env.MAIL_ENCRYPTION_KEY);
    const report = await reencryptMailPasswords(handle.db, rotated);
    expect(report.reencrypted).toBeGreaterThan(0);
    const account = (await getMailAccount(handle.db, user.id))!;
    expect(account.oauthRefreshTokenEncrypted).toMatch(/^v1\.oa2\./);
    expect(account.oauthAccessTokenEncrypted).toMatch(/^v1\.oa2\./);
  });

  it('offers the provider an address belongs to: by its domain, or by MX records under Microsoft or Google', async () => {
    const deps: AutodetectDeps = {
      fetchText: async () => null,
      resolveSrv: async () => [],
      resolveMx: async (domain) =>
        domain === 'contoso.se' ? [{ exchange: 'contoso-se.mail.protection.outlook.com', priority: 0 }] : domain === 'acme.se' ? [{ exchange: 'aspmx.l.google.com', priority: 1 }] : [],
      probePort: async () => false,
    };
    expect((await detectOAuthSignIn('anna@gmail.com', deps))?.provider).toBe('google');
    expect((await detectOAuthSignIn('anna@outlook.com', deps))?.provider).toBe('microsoft');
    expect(await detectOAuthSignIn('anna@contoso.se', deps)).toMatchObject({ provider: 'microsoft', servers: { imap: { host: 'outlook.office365.com' } } });
    expect(await detectOAuthSignIn('anna@acme.se', deps)).toMatchObject({ provider: 'google', servers: { imap: { host: 'imap.gmail.com' } } });
    expect(await detectOAuthSignIn('anna@example.test', deps)).toBeUndefined();
    // Recognised, but not a provider with a sign-in here: the form offers the password only.
    expect(await detectOAuthSignIn('anna@icloud.com', deps)).toMatchObject({ provider: undefined, servers: { imap: { host: 'imap.mail.me.com' } } });
  });
});
