import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { mailAccountSync, mailAccounts } from '@/db/schema';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { startMailServers, type MailServers } from '../harness/mail-servers';
import { startOAuthServer, type TestOAuthServer } from '../harness/oauth-server';

// "Sign in with Microsoft" end to end: the local OAuth server stands in for Microsoft's sign-in, and a
// Dovecot/Postfix of this file's own accepts the tokens it signs (XOAUTH2).
let browser: Browser;
let app: BrowserTestApp;
let oauth: TestOAuthServer;
let mail: MailServers;
const cronSecret = crypto.randomBytes(24).toString('base64url');

beforeAll(async () => {
  oauth = await startOAuthServer();
  mail = await startMailServers({ oauth2: oauth.validation });
  [browser, app] = await Promise.all([
    launchChromium(),
    startBrowserTestApp({
      MICROSOFT_CLIENT_ID: oauth.clientId,
      MICROSOFT_CLIENT_SECRET: oauth.clientSecret,
      MAIL_OAUTH_TEST_SERVER_URL: oauth.url,
      CRON_SECRET: cronSecret,
    }),
  ]);
  app.neverLog(oauth.clientSecret, cronSecret);
}, 180_000);

afterAll(async () => {
  if (app) fs.writeFileSync(screenshotPath('mail-oauth-app-log').replace(/\.png$/, '.log'), app.output());
  // Tokens must not reach the logs either.
  if (app) app.neverLog(...oauth.issuedSecrets());
  await Promise.all([browser?.close(), app?.stop()]);
  await mail?.stop();
  await oauth?.stop();
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((entry) => path.join(dir, entry)).filter((file) => fs.statSync(file).isFile());
}

async function signedInPage(viewport: { width: number; height: number }, tag: string): Promise<{ page: Page; userId: string }> {
  const crmUser = { name: `Seller ${tag}`, email: `seller-${tag}@crm.test`, password: `seller ${tag} password` };
  app.neverLog(crmUser.password);
  const user = await createUser(app.db, { ...crmUser, role: 'member' });
  await updatePreferences(app.db, user.id, { emailClient: 'crm' });
  const page = await (await newContext(browser, { viewport })).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(crmUser.email);
  await page.getByLabel('Password').fill(crmUser.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
  return { page, userId: user.id };
}

/** Clicks a "Sign in with Microsoft" button and follows the browser through the provider back to the Inbox. */
async function signInWithMicrosoft(page: Page, button: Locator): Promise<void> {
  const callback = page.waitForResponse((response) => response.url().includes('/api/mail/oauth/callback'), { timeout: 60_000 });
  await button.click();
  const answer = await callback;
  expect(answer.headers().location).toBe('/inbox');
  await page.waitForURL(/\/inbox$/, { timeout: 60_000 });
}

async function waitForText(page: Page, text: string): Promise<void> {
  for (let attempt = 0; attempt < 30 && (await page.getByText(text).count()) === 0; attempt++) {
    await page.waitForTimeout(1000);
    await page.reload();
  }
  await expectVisible(page.getByText(text).first());
}

function deliverToAlice(subject: string): Promise<void> {
  return mail.deliver(
    `From: Carol <carol@example.test>\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${crypto.randomUUID()}@example.test>\r\n\r\nHello Alice\r\n`,
    'alice@example.test',
    { flags: '' },
  );
}

async function connectAlice(page: Page): Promise<void> {
  await page.getByLabel('E-mail address').fill('alice@example.test');
  await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
  // example.test is not a Microsoft domain: the servers are asked for, then the same sign-in.
  const form = page.getByTestId('manual-settings-form');
  await expectVisible(form, 30_000);
  for (const [protocol, port] of [['imap', mail.imapPlainPort], ['smtp', mail.smtpPlainPort]] as const) {
    const section = page.getByTestId(`${protocol}-settings`);
    await section.getByLabel(/server$/).fill(`${mail.host}:${port}`);
    await section.getByLabel('User name').fill('alice@example.test');
    if (await section.getByRole('checkbox').isChecked()) await section.getByRole('checkbox').click();
  }
  await signInWithMicrosoft(page, form.getByRole('button', { name: 'Sign in with Microsoft' }));
}

describe.each([
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 812 }],
] as const)('Sign in with Microsoft (%s)', (size, viewport) => {
  it('consents on the provider, imports the mailbox and sends from it', async () => {
    const subject = `Welcome via OAuth ${size} ${crypto.randomBytes(3).toString('hex')}`;
    await deliverToAlice(subject);
    const { page } = await signedInPage(viewport, size);
    await page.getByLabel('E-mail address').fill('alice@example.test');
    await page.screenshot({ path: screenshotPath(`mail-oauth-connect-${size}`), fullPage: true });
    const grantsBefore = oauth.grants.authorization_code ?? 0;
    await connectAlice(page);
    expect((oauth.grants.authorization_code ?? 0) - grantsBefore).toBe(1);
    // The Inbox fills with the imported mail.
    await waitForText(page, subject);
    await page.screenshot({ path: screenshotPath(`mail-oauth-inbox-${size}`), fullPage: true });

    await page.goto(`${app.baseUrl}/settings/email`);
    await expectVisible(page.getByTestId('sign-in-method').filter({ hasText: 'Signs in with Microsoft' }));
    await page.screenshot({ path: screenshotPath(`mail-oauth-options-${size}`), fullPage: true });

    const sentSubject = `Reply via token ${size} ${crypto.randomBytes(3).toString('hex')}`;
    await page.goto(`${app.baseUrl}/inbox/compose`);
    await expectVisible(page.getByTestId('composer'));
    await page.getByLabel('To', { exact: true }).fill('bob@example.test');
    await page.getByPlaceholder('Subject').fill(sentSubject);
    await page.getByTestId('compose-body').click();
    await page.keyboard.type('Sent with a Microsoft sign-in');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Message sent' }), 60_000);
    let arrived = false;
    for (let attempt = 0; attempt < 20 && !arrived; attempt++) {
      arrived = filesUnder(mail.maildirFor('bob@example.test')).some((file) => fs.readFileSync(file, 'utf8').includes(sentSubject));
      if (!arrived) await page.waitForTimeout(500);
    }
    expect(arrived, "the message did not arrive in bob's mailbox").toBe(true);
    // Nothing on the page scrolls sideways at either size.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
});

describe('reconnecting, and a forged callback (desktop)', () => {
  it('shows the Reconnect banner, and signing in with Microsoft again restores the import', async () => {
    const { page, userId } = await signedInPage({ width: 1280, height: 900 }, 'reconnect');
    await connectAlice(page);
    const [account] = await app.db.select().from(mailAccounts).where(eq(mailAccounts.userId, userId));
    // Consent withdrawn at the provider, and the access token used up: the next import must refresh and is refused.
    oauth.revokeRefreshTokens('alice@example.test');
    await app.db.update(mailAccounts).set({ oauthAccessTokenExpiresAt: new Date(Date.now() - 1000) }).where(eq(mailAccounts.id, account!.id));
    await app.db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account!.id));
    const cron = await fetch(`${app.baseUrl}/api/cron/import`, { headers: { Authorization: `Bearer ${cronSecret}` } });
    expect(cron.status).toBe(200);

    await page.goto(`${app.baseUrl}/inbox`);
    const banner = page.getByRole('alert').filter({ hasText: 'The sign-in with Microsoft for alice@example.test has ended' });
    await expectVisible(banner);
    await page.screenshot({ path: screenshotPath('mail-oauth-reconnect-banner'), fullPage: true });
    await banner.getByRole('link', { name: 'Reconnect' }).click();
    await page.waitForURL(/\/settings\/email$/);
    await signInWithMicrosoft(page, page.getByTestId('account-sign-in').getByRole('button', { name: 'Sign in with Microsoft' }));

    const subject = `After reconnecting ${crypto.randomBytes(3).toString('hex')}`;
    await deliverToAlice(subject);
    // The import started by the reconnect may still hold the account; ask again until a pass brings the new mail.
    for (let attempt = 0; attempt < 20 && (await page.getByText(subject).count()) === 0; attempt++) {
      await app.db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, account!.id));
      await fetch(`${app.baseUrl}/api/cron/import`, { headers: { Authorization: `Bearer ${cronSecret}` } });
      await page.reload();
    }
    await expectVisible(page.getByText(subject).first());
    expect(await page.getByRole('alert').filter({ hasText: 'has ended' }).count()).toBe(0);
  });

  it('offers no provider sign-in to an iCloud address, and refuses a forged state on the callback, saving nothing', async () => {
    const { page, userId } = await signedInPage({ width: 1280, height: 900 }, 'forged');
    // An address of a provider without a sign-in here (iCloud) is offered the password only.
    await expectVisible(page.getByRole('button', { name: 'Sign in with Microsoft' }));
    await page.getByLabel('E-mail address').fill('anna@icloud.com');
    await page.getByLabel('E-mail address').press('Tab');
    await expectHidden(page.getByRole('button', { name: 'Sign in with Microsoft' }), 30_000);
    await page.goto(`${app.baseUrl}/api/mail/oauth/callback?code=stolen-code&state=${crypto.randomBytes(32).toString('base64url')}`);
    await page.waitForURL(/\/settings\/email\?signIn=state_invalid$/);
    await expectVisible(page.getByText('That sign-in answer was not for this session, or was used already.'));
    expect(await app.db.select().from(mailAccounts).where(eq(mailAccounts.userId, userId))).toEqual([]);
  });
});
