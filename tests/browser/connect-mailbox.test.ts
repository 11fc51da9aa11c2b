import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const crmUser = { name: 'Alice Seller', email: 'alice.seller@example.test', password: 'alice seller password' };

let browser: Browser;
let app: BrowserTestApp;
let page: Page;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(crmUser.password);
  const user = await createUser(app.db, { ...crmUser, role: 'member' });
  // This user answered the first-sign-in question long ago.
  await updatePreferences(app.db, user.id, { emailClient: 'crm' });
  page = await (await newContext(browser)).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(crmUser.email);
  await page.getByLabel('Password').fill(crmUser.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

async function fillServer(section: Locator, values: { server: string; password: string; ssl: boolean }) {
  await section.getByLabel(/server$/).fill(values.server);
  await section.getByLabel('User name').fill(alice.email);
  await section.getByLabel('Password').fill(values.password);
  const ssl = section.getByRole('checkbox');
  if ((await ssl.isChecked()) !== values.ssl) await ssl.click();
}

async function submitManual(imap: { server: string; password: string; ssl: boolean }, smtp: { server: string; password: string; ssl: boolean }) {
  await fillServer(page.getByTestId('imap-settings'), imap);
  await fillServer(page.getByTestId('smtp-settings'), smtp);
  await page.getByTestId('manual-settings-form').getByRole('button', { name: 'Connect' }).click();
}

const starttlsImap = () => `${servers.host}:${servers.imapStarttlsPort}`;
const starttlsSmtp = () => `${servers.host}:${servers.smtpSubmissionPort}`;

describe('connecting a mailbox in the Inbox', () => {
  it('asks for the server settings, prefilled, when the provider is not recognised', async () => {
    await page.getByLabel('E-mail address').fill(alice.email);
    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expectVisible(page.getByText('We could not find the settings for this address automatically.'), 30_000);
    expect(await page.getByTestId('imap-settings').getByLabel('IMAP server').inputValue()).toBe('imap.example.test');
    expect(await page.getByTestId('imap-settings').getByLabel('User name').inputValue()).toBe(alice.email);
    // The password typed in step one is carried over.
    expect(await page.getByTestId('imap-settings').getByLabel('Password').inputValue()).toBe(alice.password);
  });

  it('marks a wrong password on both halves and keeps what was typed', async () => {
    await submitManual({ server: starttlsImap(), password: 'wrong-password', ssl: false }, { server: starttlsSmtp(), password: 'wrong-password', ssl: false });
    await expectVisible(page.getByText('IMAP: wrong user name or password.'));
    await expectVisible(page.getByText('SMTP: wrong user name or password.'));
    expect(await page.getByTestId('imap-settings').getByLabel('IMAP server').inputValue()).toBe(starttlsImap());
  });

  it('says which server could not be reached and why', async () => {
    await submitManual({ server: `${servers.host}:1`, password: alice.password, ssl: false }, { server: 'mail.does-not-exist.invalid', password: alice.password, ssl: false });
    await expectVisible(page.getByText(`IMAP: ${servers.host}:1 refused the connection.`, { exact: false }));
    await expectVisible(page.getByText('SMTP: the server mail.does-not-exist.invalid was not found.', { exact: false }));
    await page.screenshot({ path: screenshotPath('connect-errors'), fullPage: true });
  });

  it('connects with correct settings and shows the account', async () => {
    await submitManual({ server: starttlsImap(), password: alice.password, ssl: false }, { server: starttlsSmtp(), password: alice.password, ssl: false });
    // Connected: the Inbox turns into the message list (the import starts) and the account shows in E-mail options.
    await expectVisible(page.getByRole('link', { name: 'E-mail options' }));
    await page.goto(`${app.baseUrl}/settings/email`);
    await expectVisible(page.getByTestId('connected-address'));
    expect(await page.getByTestId('connected-address').textContent()).toContain(alice.email);
    expect(await page.getByTestId('imap-summary').textContent()).toContain('STARTTLS');
  });

  it('never sends the stored password to the browser', async () => {
    for (const path of ['/inbox', '/settings/email']) {
      const response = await page.request.get(`${app.baseUrl}${path}`);
      expect(await response.text()).not.toContain(alice.password);
    }
  });

  it('edits the account in E-mail options, keeping the password when the field is left empty', async () => {
    await page.goto(`${app.baseUrl}/settings/email`);
    await page.getByText('Edit account settings').click();
    const form = page.getByTestId('manual-settings-form');
    expect(await page.getByTestId('imap-settings').getByLabel('Password').getAttribute('placeholder')).toBe('Unchanged');
    for (const [protocol, port] of [['imap', servers.imapTlsPort], ['smtp', servers.smtpTlsPort]] as const) {
      const section = page.getByTestId(`${protocol}-settings`);
      await section.getByLabel(/server$/).fill(`${servers.host}:${port}`);
      await section.getByRole('checkbox', { name: /Use SSL/ }).check();
    }
    await form.getByRole('button', { name: 'Check and save' }).click();
    await expectVisible(page.getByText('Saved. Both servers accepted the settings.'));
    await page.reload();
    expect(await page.getByTestId('imap-summary').textContent()).toContain(`${servers.imapTlsPort} · SSL`);
  });

  it('Reconnect opens the account editor with the password focused, and one password serves both servers', async () => {
    // As after the server refused the saved password: the Inbox shows the Reconnect banner.
    await app.db.execute(sql`update mail_accounts set status = 'auth_failed'`);
    await page.goto(`${app.baseUrl}/inbox`);
    await page.getByRole('link', { name: 'Reconnect' }).click();
    await page.waitForURL(/\/settings\/email\?reconnect=1/);
    await expectVisible(page.getByText('The mail server stopped accepting the saved password.', { exact: false }));
    const imapPassword = page.getByTestId('imap-settings').getByLabel('Password');
    await expectVisible(imapPassword);
    await page.waitForFunction(() => document.activeElement?.id === 'imap-password');
    // SMTP signs in with the same login, so it takes the IMAP password: no second field to fill.
    const smtp = page.getByTestId('smtp-settings');
    expect(await smtp.getByRole('checkbox', { name: 'Same password as for incoming mail (IMAP)' }).isChecked()).toBe(true);
    expect(await smtp.getByLabel('Password', { exact: true }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('reconnect'), fullPage: true });
    // A wrong password is tried on both servers, which both refuse it.
    await page.keyboard.type('not the password');
    await page.getByTestId('manual-settings-form').getByRole('button', { name: 'Check and save' }).click();
    await expectVisible(page.getByText('IMAP: wrong user name or password.'));
    await expectVisible(page.getByText('SMTP: wrong user name or password.'));
    // The right one, typed once, reconnects.
    await imapPassword.fill(alice.password);
    await page.getByTestId('manual-settings-form').getByRole('button', { name: 'Check and save' }).click();
    await expectVisible(page.getByText('Saved. Both servers accepted the settings.'));
    // Separating them brings the SMTP password field back.
    await smtp.getByRole('checkbox', { name: 'Same password as for incoming mail (IMAP)' }).uncheck();
    await expectVisible(smtp.getByLabel('Password', { exact: true }));
  });

  it('fits a phone: no sideways scrolling on the account pages', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/inbox', '/settings/email']) {
      await page.goto(`${app.baseUrl}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), path).toBe(true);
    }
    await page.screenshot({ path: screenshotPath('email-options-phone'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('removes the account after a confirmation, and the Inbox offers to connect again', async () => {
    await page.goto(`${app.baseUrl}/settings/email`);
    await page.getByRole('button', { name: 'Remove account' }).click();
    await expectVisible(page.getByText(`Remove ${alice.email} from the CRM?`));
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await expectVisible(page.getByText('No mailbox is connected.'));
    await page.goto(`${app.baseUrl}/inbox`);
    await expectVisible(page.getByRole('heading', { name: 'Connect your mailbox' }));
  });
});
