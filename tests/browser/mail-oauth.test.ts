import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { startMailServers, type MailServers } from '../harness/mail-servers';
import { startOAuthServer, type TestOAuthServer } from '../harness/oauth-server';

// "Sign in with Microsoft" end to end: the local OAuth server stands in for Microsoft's sign-in, and a
// Dovecot/Postfix of this file's own accepts the tokens it signs (XOAUTH2).
let browser: Browser;
let app: BrowserTestApp;
let oauth: TestOAuthServer;
let mail: MailServers;

beforeAll(async () => {
  oauth = await startOAuthServer();
  mail = await startMailServers({ oauth2: oauth.validation });
  [browser, app] = await Promise.all([
    launchChromium(),
    startBrowserTestApp({ MICROSOFT_CLIENT_ID: oauth.clientId, MICROSOFT_CLIENT_SECRET: oauth.clientSecret, MAIL_OAUTH_TEST_SERVER_URL: oauth.url }),
  ]);
  app.neverLog(oauth.clientSecret);
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

async function signedInPage(viewport: { width: number; height: number }, tag: string): Promise<Page> {
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
  return page;
}

describe.each([
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 812 }],
] as const)('Sign in with Microsoft (%s)', (size, viewport) => {
  it('consents on the provider, imports the mailbox and sends from it', async () => {
    const subject = `Welcome via OAuth ${size} ${crypto.randomBytes(3).toString('hex')}`;
    await mail.deliver(`From: Carol <carol@example.test>\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${crypto.randomUUID()}@example.test>\r\n\r\nHello Alice\r\n`, 'alice@example.test', { flags: '' });

    const page = await signedInPage(viewport, size);
    await page.getByLabel('E-mail address').fill('alice@example.test');
    await page.screenshot({ path: screenshotPath(`mail-oauth-connect-${size}`), fullPage: true });
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
    const grantsBefore = oauth.grants.authorization_code ?? 0;
    // Through the provider's consent and back to the Inbox, which fills with the imported mail.
    const callback = page.waitForResponse((response) => response.url().includes('/api/mail/oauth/callback'), { timeout: 60_000 });
    await form.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    const answer = await callback;
    expect(answer.headers().location).toBe('/inbox');
    await page.waitForURL(/\/inbox$/, { timeout: 60_000 });
    expect((oauth.grants.authorization_code ?? 0) - grantsBefore).toBe(1);
    for (let attempt = 0; attempt < 30 && (await page.getByText(subject).count()) === 0; attempt++) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    await expectVisible(page.getByText(subject).first());
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
