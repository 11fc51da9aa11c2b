import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { answerEmailClientQuestion, expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';

const admin = { name: 'Ada Admin', email: 'ada@example.test', password: 'correct horse battery' };
const colleague = { name: 'Cole League', email: 'cole@example.test', password: 'staple battery horse' };

let browser: Browser;
let app: BrowserTestApp;
let baseUrl: string;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(admin.password, colleague.password);
  baseUrl = app.baseUrl;
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function hasNoHorizontalScroll(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

// The steps build on each other (the first admin must exist before anyone signs in), so they run in order.
describe('sign-in and the app shell', () => {
  it('leads a fresh installation to the first-run page and creates the first admin', async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${baseUrl}/inbox`);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel('Name').fill(admin.name);
    await page.getByLabel('E-mail address').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByLabel('Repeat the password').fill('not the same password');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expectVisible(page.getByText('The two passwords are not the same.'));
    // A failed submission keeps what was typed.
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(admin.email);

    await page.getByLabel('Repeat the password').fill(admin.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL(/\/inbox$/);
    await answerEmailClientQuestion(page);
    await expectVisible(page.getByRole('heading', { name: 'Inbox', exact: true }));
    await page.screenshot({ path: screenshotPath('inbox-desktop') });

    // The first-run page is closed once an admin exists.
    await page.goto(`${baseUrl}/setup`);
    await page.waitForURL(/\/inbox$/);
    await page.context().close();
  });

  it('redirects a protected page to sign-in without a session', async () => {
    const page = await (await newContext(browser)).newPage();
    for (const path of ['/inbox', '/companies', '/settings', '/settings/users']) {
      await page.goto(`${baseUrl}${path}`);
      await page.waitForURL(/\/sign-in/);
    }
    await page.context().close();
  });

  it('refuses a wrong password with a message that does not tell whether the account exists', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, admin.email, 'wrong password!');
    const alert = page.getByRole('alert').filter({ hasText: 'Wrong e-mail address or password.' });
    await expectVisible(alert);
    const knownAccountMessage = await alert.textContent();
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(admin.email);

    await signIn(page, 'nobody@example.test', 'wrong password!');
    const unknownAccountAlert = page.getByRole('alert').filter({ hasText: 'Wrong' });
    await expectVisible(unknownAccountAlert);
    expect(await unknownAccountAlert.textContent()).toBe(knownAccountMessage);
    await page.context().close();
  });

  it('signs in, keeps the session across pages, and signs out', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(/\/inbox$/);
    await page.getByRole('link', { name: 'Companies' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Companies', exact: true }));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${baseUrl}/inbox`);
    await page.waitForURL(/\/sign-in/);
    await page.context().close();
  });

  it('lets an admin add a colleague, who signs in, and deactivate them, which ends their access', async () => {
    const adminPage = await (await newContext(browser)).newPage();
    await signIn(adminPage, admin.email, admin.password);
    await adminPage.waitForURL(/\/inbox$/);
    await adminPage.goto(`${baseUrl}/settings/users`);
    await adminPage.getByLabel('Name').fill(colleague.name);
    await adminPage.getByLabel('E-mail address').fill(colleague.email);
    await adminPage.getByLabel('Initial password').fill(colleague.password);
    await adminPage.getByLabel('Repeat the password').fill(colleague.password);
    await adminPage.getByRole('button', { name: 'Add user' }).click();
    await expectVisible(adminPage.getByText(`${colleague.email} can now sign in.`));

    const colleaguePage = await (await newContext(browser)).newPage();
    await signIn(colleaguePage, colleague.email, colleague.password);
    await colleaguePage.waitForURL(/\/inbox$/);
    await answerEmailClientQuestion(colleaguePage, 'Default mail app');
    // Members do not get the admin pages.
    const response = await colleaguePage.goto(`${baseUrl}/settings/users`);
    expect(response?.status()).toBe(404);

    const row = adminPage.getByTestId('user-row').filter({ hasText: colleague.email });
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await expectVisible(row.getByText('Deactivated'));

    // The colleague's existing session stops working at once.
    await colleaguePage.goto(`${baseUrl}/inbox`);
    await colleaguePage.waitForURL(/\/sign-in/);
    await signIn(colleaguePage, colleague.email, colleague.password);
    await expectVisible(colleaguePage.getByRole('alert').filter({ hasText: 'Wrong e-mail address or password.' }));
    await adminPage.context().close();
    await colleaguePage.context().close();
  });

  it('throttles repeated wrong passwords for an account', async () => {
    const page = await (await newContext(browser)).newPage();
    const target = 'throttle-target@example.test';
    for (let attempt = 0; attempt < 5; attempt++) {
      await signIn(page, target, `guess ${attempt}`);
      await expectVisible(page.getByRole('alert').filter({ hasText: 'Wrong e-mail address or password.' }));
    }
    await signIn(page, target, 'one more guess');
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Too many failed sign-in attempts' }));
    await page.context().close();
  });

  it('fits a 375 px phone: no page scrolls sideways and the navigation collapses', async () => {
    const page = await (await newContext(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })).newPage();
    await page.goto(`${baseUrl}/sign-in`);
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await signIn(page, admin.email, admin.password);
    await page.waitForURL(/\/inbox$/);

    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    await expectHidden(navigation);
    for (const path of ['/inbox', '/companies', '/contacts', '/projects', '/sales', '/settings', '/settings/users']) {
      await page.goto(`${baseUrl}${path}`);
      expect(await hasNoHorizontalScroll(page), `${path} scrolls sideways at 375 px`).toBe(true);
    }
    await page.getByRole('button', { name: 'Menu' }).click();
    await expectVisible(navigation);
    await page.screenshot({ path: screenshotPath('users-phone-menu-open') });
    await navigation.getByRole('link', { name: 'Contacts' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Contacts', exact: true }));
    await expectHidden(navigation);
    await page.context().close();
  });

  it('shows admins the System page: download window, configuration, schema; members do not get it', async () => {
    const adminPage = await (await newContext(browser)).newPage();
    await signIn(adminPage, admin.email, admin.password);
    await adminPage.waitForURL(/\/inbox$/);
    await adminPage.goto(`${baseUrl}/settings`);
    await adminPage.getByRole('link', { name: 'Open system status' }).click();
    await expectVisible(adminPage.getByRole('heading', { name: 'System', exact: true }));
    expect(await adminPage.getByTestId('download-window').textContent()).toContain('30 days (the default');
    const configuration = await adminPage.getByTestId('configuration').textContent();
    expect(configuration).toContain('DATABASE_URL: set');
    expect(configuration).toContain('CRON_SECRET: not set');
    expect(await adminPage.getByTestId('schema-version').textContent()).toContain('(up to date)');
    await adminPage.context().close();

    const member = { email: 'member@example.test', password: 'member password 12' };
    const created = await createUser(app.db, { ...member, name: 'Member', role: 'member' });
    await updatePreferences(app.db, created.id, { emailClient: 'crm' });
    app.neverLog(member.password);
    const memberPage = await (await newContext(browser)).newPage();
    await signIn(memberPage, member.email, member.password);
    await memberPage.waitForURL(/\/inbox$/);
    expect((await memberPage.goto(`${baseUrl}/settings/system`))?.status()).toBe(404);
    await memberPage.context().close();
  });

  it('speaks Swedish when the browser asks for it, and remembers a language chosen in Settings', async () => {
    const swedish = await (await newContext(browser, { locale: 'sv-SE' })).newPage();
    await swedish.goto(`${baseUrl}/sign-in`);
    await expectVisible(swedish.getByRole('heading', { name: 'Logga in på CRM Inbox' }));
    expect(await swedish.getAttribute('html', 'lang')).toBe('sv');
    await swedish.getByLabel('E-postadress').fill(admin.email);
    await swedish.getByLabel('Lösenord').fill('fel lösenord');
    await swedish.getByRole('button', { name: 'Logga in' }).click();
    await expectVisible(swedish.getByRole('alert').filter({ hasText: 'Fel e-postadress eller lösenord.' }));
    await swedish.context().close();

    const english = await (await newContext(browser, { locale: 'en-GB' })).newPage();
    await signIn(english, admin.email, admin.password);
    await english.waitForURL(/\/inbox$/);
    await english.goto(`${baseUrl}/settings`);
    await english.getByLabel('Svenska (Swedish)').check();
    await english.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(english.getByRole('heading', { name: 'Inställningar', exact: true }));
    await english.getByRole('link', { name: 'Inkorg' }).first().click();
    await expectVisible(english.getByRole('heading', { name: 'Inkorg', exact: true }));
    await english.context().close();
  });
});
