import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { createUser } from '@/lib/users/service';
import { expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';

const desktopUser = { name: 'Dana Desk', email: 'dana+crm@example.test', password: 'dana desk password' };
const phoneUser = { name: 'Phil Phone', email: 'phil@example.test', password: 'phil phone password' };
const phone: BrowserContextOptions = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

let browser: Browser;
let app: BrowserTestApp;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(desktopUser.password, phoneUser.password);
  // Straight into the app's database: these tests are about what happens after the first sign-in.
  await createUser(app.db, { ...desktopUser, role: 'admin' });
  await createUser(app.db, { ...phoneUser, role: 'member' });
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
}

const emailClientQuestion = (page: Page) => page.getByRole('dialog', { name: 'How should e-mail links open?' });
/** The signed-in user's own address in the app shell's account area. */
const ownAddressLink = (page: Page, email: string) => page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: email });

async function hasNoHorizontalScroll(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

/** The link's href once it matches: the shell re-renders with the new choice after the server action. */
async function expectHref(page: Page, email: string, expected: string) {
  const link = ownAddressLink(page, email);
  await expectVisible(link);
  await page.waitForFunction(
    ([name, href]) => [...document.querySelectorAll('nav a')].some((anchor) => anchor.textContent === name && anchor.getAttribute('href') === href),
    [email, expected] as const,
    { timeout: 15_000 },
  );
  expect(await link.getAttribute('href')).toBe(expected);
}

// The steps build on each other (the first answer, then a change in Local settings), so they run in order.
describe('how e-mail addresses open', () => {
  it('asks once at the first sign-in; "Default mail app" makes the shell\'s address a mailto: link', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, desktopUser);
    const question = emailClientQuestion(page);
    await expectVisible(question);
    expect(await question.getAttribute('aria-modal')).toBe('true');
    // Focus moves into the dialog, so keyboard users start at the choices.
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.screenshot({ path: screenshotPath('email-client-question-desktop') });

    await question.getByRole('button', { name: 'Default mail app (mailto:)' }).click();
    await expectHidden(question);
    // "+" is not allowed unencoded in a mailto: address part (RFC 6068); "@" stays readable.
    await expectHref(page, desktopUser.email, 'mailto:dana%2Bcrm@example.test');

    // Answered once: not asked again, neither on the next page nor after a reload.
    await page.getByRole('link', { name: 'Companies' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Companies', exact: true }));
    await page.reload();
    await expectVisible(page.getByRole('heading', { name: 'Companies', exact: true }));
    expect(await emailClientQuestion(page).count()).toBe(0);

    // The Users list shows addresses with the same component.
    await page.goto(`${app.baseUrl}/settings/users`);
    const row = page.getByTestId('user-row').filter({ hasText: phoneUser.name });
    expect(await row.getByRole('link', { name: phoneUser.email }).getAttribute('href')).toBe('mailto:phil@example.test');
    await page.context().close();
  });

  it('switches to CRM Inbox under Local settings, after which addresses open the composer', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, desktopUser);
    await page.goto(`${app.baseUrl}/settings`);
    await page.getByRole('link', { name: 'Open local settings' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Local settings', exact: true }));
    expect(await page.getByRole('radio', { name: 'Default mail app (mailto:)' }).isChecked()).toBe(true);

    await page.getByRole('radio', { name: 'CRM Inbox' }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText('Saved.'));
    await expectHref(page, desktopUser.email, `/inbox/compose?to=${encodeURIComponent(desktopUser.email)}`);
    await page.reload();
    expect(await page.getByRole('radio', { name: 'CRM Inbox' }).isChecked()).toBe(true);

    // Without a connected mailbox the composer says so, and where to connect one.
    await ownAddressLink(page, desktopUser.email).click();
    await page.waitForURL(/\/inbox\/compose\?to=dana%2Bcrm%40example\.test$/);
    await expectVisible(page.getByRole('heading', { name: 'Connect your mailbox to send e-mail' }));
    expect(await page.getByRole('link', { name: 'Connect a mailbox' }).getAttribute('href')).toBe('/inbox');
    await page.context().close();
  });

  it('keeps the e-mail options saved under Settings → E-mail options', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, desktopUser);
    await page.goto(`${app.baseUrl}/settings`);
    await page.getByRole('link', { name: 'Open e-mail options' }).click();
    const options = page.getByRole('region', { name: 'General' });
    const remoteImages = options.getByRole('checkbox', { name: 'Show remote images' });
    const markAsRead = options.getByRole('checkbox', { name: 'Mark messages as read in the preview' });
    expect(await remoteImages.isChecked()).toBe(false);
    expect(await markAsRead.isChecked()).toBe(false);

    await markAsRead.check();
    await options.getByLabel('Personal signature').fill('Dana Desk\nExample AB');
    await options.getByRole('button', { name: 'Save e-mail options' }).click();
    await expectVisible(options.getByText('Saved.'));
    await page.reload();
    expect(await options.getByRole('checkbox', { name: 'Mark messages as read in the preview' }).isChecked()).toBe(true);
    expect(await options.getByRole('checkbox', { name: 'Show remote images' }).isChecked()).toBe(false);
    expect(await options.getByLabel('Personal signature').inputValue()).toBe('Dana Desk\nExample AB');

    // A signature over the limit is refused, and what was typed stays.
    const tooLong = 'x'.repeat(10_001);
    await options.getByLabel('Personal signature').fill(tooLong);
    await options.getByRole('button', { name: 'Save e-mail options' }).click();
    await expectVisible(options.getByText('The signature is too long (10 000 characters at most).'));
    expect(await options.getByLabel('Personal signature').inputValue()).toBe(tooLong);
    await page.context().close();
  });

  it('fits a 375 px phone: the first-sign-in question, Local settings and the composer', async () => {
    const page = await (await newContext(browser, phone)).newPage();
    await signIn(page, phoneUser);
    const question = emailClientQuestion(page);
    await expectVisible(question);
    const box = await question.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 375, 'the question is wider than the screen').toBe(true);
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('email-client-question-phone') });
    await question.getByRole('button', { name: 'CRM Inbox' }).click();
    await expectHidden(question);

    for (const path of ['/settings/local', '/settings', '/inbox/compose?to=someone.with.a.rather.long.address@subdomain.example.test']) {
      await page.goto(`${app.baseUrl}${path}`);
      await expectVisible(page.getByRole('heading', { level: 1 }));
      expect(await hasNoHorizontalScroll(page), `${path} scrolls sideways at 375 px`).toBe(true);
    }
    await page.screenshot({ path: screenshotPath('compose-without-mailbox-phone') });

    await page.getByRole('button', { name: 'Menu' }).click();
    await expectHref(page, phoneUser.email, `/inbox/compose?to=${encodeURIComponent(phoneUser.email)}`);
    await page.context().close();
  });
});
