import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CLIENT_POLICY } from '@/lib/auth/throttle';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser, findUserById } from '@/lib/users/service';
import { expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { aliceAccountImporting } from '../harness/mail-accounts';

const owner = { name: 'Olga Owner', email: 'olga@example.test', password: 'olga password 12' };
const newPassword = 'olga second password';

let browser: Browser;
let app: BrowserTestApp;
let baseUrl: string;
let reader: { id: string; email: string; password: string };
/** A real server action id, captured from the sign-in form, to replay from a foreign origin. */
let signInActionId: string | undefined;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  baseUrl = app.baseUrl;
  app.neverLog(owner.password, newPassword);
  const created = await createUser(app.db, { ...owner, role: 'member' });
  await updatePreferences(app.db, created.id, { emailClient: 'crm' });
  // A user with a mailbox and an imported folder, so the Inbox reaches its database queries.
  const account = await aliceAccountImporting(app.db, ['HardeningNotOnServer']);
  reader = { id: account.userId, email: '', password: 'importer password 1' };
  reader.email = (await findUserById(app.db, account.userId))!.email;
  await updatePreferences(app.db, account.userId, { emailClient: 'crm' });
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

async function signIn(page: Page, user: { email: string; password: string }, path = '/sign-in') {
  page.on('request', (request) => {
    const id = request.headers()['next-action'];
    if (id && request.url().includes('/sign-in')) signInActionId ??= id;
  });
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signedIn(user: { email: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, user);
  await page.waitForURL(/\/inbox$/);
  return { context, page };
}

/** Whether a saved or live session still opens the Inbox. */
async function opensInbox(page: Page): Promise<boolean> {
  await page.goto(`${baseUrl}/inbox`);
  return new URL(page.url()).pathname === '/inbox';
}

describe('sign-in and sessions', () => {
  it('follows only same-origin paths after sign-in, whatever the encoding', async () => {
    for (const callback of ['/\t/evil.example/path', '/\t\\evil.example/path', '/\n/evil.example', '/\\evil.example']) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const offSite: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(baseUrl)) offSite.push(request.url());
      });
      await signIn(page, owner, `/sign-in?callbackUrl=${encodeURIComponent(callback)}`);
      await page.waitForURL((url) => url.origin === baseUrl && url.pathname === '/inbox');
      expect(offSite).toEqual([]);
      await context.close();
    }
  });

  it('ends the session on sign-out: a cookie saved before no longer opens anything', async () => {
    const { context, page } = await signedIn(owner);
    const saved = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);

    const replay = await newContext(browser);
    await replay.addCookies(saved);
    const replayPage = await replay.newPage();
    expect(await opensInbox(replayPage)).toBe(false);
    const download = await replayPage.request.get(`${baseUrl}/api/mail/attachments/0f8fad5b-d9cb-469f-a165-70867728950e`);
    expect(download.status()).toBe(401);
    await Promise.all([context.close(), replay.close()]);
  });

  it('a password change ends the other sessions and keeps this one', async () => {
    const here = await signedIn(owner);
    const elsewhere = await signedIn(owner);
    await here.page.goto(`${baseUrl}/settings`);
    await here.page.getByLabel('Current password').fill(owner.password);
    await here.page.getByLabel('New password').fill(newPassword);
    await here.page.getByLabel('Repeat the password').fill(newPassword);
    await here.page.getByRole('button', { name: 'Change password' }).click();
    await expectVisible(here.page.getByText('Your password was changed.'));
    owner.password = newPassword;

    expect(await opensInbox(elsewhere.page)).toBe(false);
    expect(await opensInbox(here.page)).toBe(true);
    await Promise.all([here.context.close(), elsewhere.context.close()]);
  });

  it('refuses a wrong current password without ending anything', async () => {
    const { context, page } = await signedIn(owner);
    await page.goto(`${baseUrl}/settings`);
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('a third password');
    await page.getByLabel('Repeat the password').fill('a third password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expectVisible(page.locator('#field-currentPassword-error').filter({ hasText: 'The current password is not right.' }));
    expect(await opensInbox(page)).toBe(true);
    await context.close();
  });

  it('slows down guessing the current password from a signed-in session', async () => {
    const guesser = { name: 'Gus', email: 'gus@example.test', password: 'gus password 123' };
    app.neverLog(guesser.password);
    const created = await createUser(app.db, { ...guesser, role: 'member' });
    await updatePreferences(app.db, created.id, { emailClient: 'crm' });
    const { context, page } = await signedIn(guesser);
    await page.goto(`${baseUrl}/settings`);
    const error = page.locator('#field-currentPassword-error');
    for (let attempt = 0; attempt <= 5; attempt++) {
      await page.getByLabel('Current password').fill(`guess number ${attempt}`);
      await page.getByLabel('New password').fill('a brand new password');
      await page.getByLabel('Repeat the password').fill('a brand new password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await expectVisible(error.filter({ hasText: attempt < 5 ? 'The current password is not right.' : 'Too many failed sign-in attempts' }));
    }
    await context.close();
  });

  it('"sign out everywhere" ends every session of the user, this one too', async () => {
    const here = await signedIn(owner);
    const elsewhere = await signedIn(owner);
    await here.page.goto(`${baseUrl}/settings`);
    await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await here.page.waitForURL(/\/sign-in/);
    expect(await opensInbox(elsewhere.page)).toBe(false);
    expect(await opensInbox(here.page)).toBe(false);
    await Promise.all([here.context.close(), elsewhere.context.close()]);
  });

  it('refuses a server action posted from a foreign origin with 403, and logs it', async () => {
    expect(signInActionId).toBeTruthy();
    const response = await fetch(`${baseUrl}/sign-in`, {
      method: 'POST',
      headers: { 'Next-Action': signInActionId!, Origin: 'https://evil.example', 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component' },
      body: JSON.stringify(['$undefined', { email: owner.email, password: owner.password }]),
    });
    expect(response.status).toBe(403);
    // The log line reaches the test through a pipe: give it a moment.
    const deadline = Date.now() + 5_000;
    while (!app.output().includes('server action refused: foreign origin') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(app.output()).toContain('server action refused: foreign origin');
  });
});

describe('bad input gets a clean answer', () => {
  const hex36 = 'a'.repeat(36);
  const dashes36 = '-'.repeat(36);
  const wellFormed = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const malformed = [
    // Pages are keyset cursors (`micros.id`), not numbers.
    `/inbox?before=${'9'.repeat(50)}`,
    '/inbox?before=0',
    `/inbox?before=-1.${wellFormed}`,
    '/inbox?after=1.5',
    `/inbox?before=1e9.${wellFormed}`,
    '/inbox?after=two',
    `/inbox?before=1.${wellFormed}&before=2.${wellFormed}`,
    `/inbox?before=${'9'.repeat(50)}.${wellFormed}`,
    '/inbox?view=threads',
    `/inbox?folder=${hex36}`,
    `/inbox?folder=${dashes36}`,
    '/inbox?folder=INBOX',
    `/inbox?folder=${wellFormed}&folder=${wellFormed}`,
    `/inbox?q=${'9'.repeat(50)}&before=${'9'.repeat(50)}`,
    '/inbox?q=%00',
    '/inbox?q=a%00b',
    '/inbox?q=a&q=b',
    `/inbox?q=${'x'.repeat(5000)}`,
    `/inbox/messages/${hex36}`,
    `/inbox/messages/${dashes36}`,
    `/inbox/messages/${'0'.repeat(36)}`,
    '/inbox/messages/not-an-id',
    '/inbox/messages/%00',
    `/inbox/messages/${wellFormed}`,
    `/inbox/messages/${wellFormed}?before=not-a-cursor`,
    '/inbox/conversations/%00',
    `/inbox/conversations/${'x'.repeat(1200)}`,
    `/inbox/conversations/${wellFormed}`,
    `/api/mail/attachments/${hex36}`,
    `/api/mail/attachments/${dashes36}`,
    '/api/mail/attachments/not-an-id',
    '/api/mail/attachments/%00',
    `/api/mail/attachments/${wellFormed}`,
    `/documents/${hex36}`,
    `/documents/${dashes36}`,
    '/documents/not-an-id',
    '/documents/%00',
    `/documents/${wellFormed}`,
    `/api/documents/${hex36}/file`,
    `/api/documents/${dashes36}/file`,
    '/api/documents/%00/file',
    `/api/documents/${wellFormed}/file`,
    `/api/documents/attachments/${hex36}`,
    '/api/documents/attachments/not-an-id',
    `/api/documents/attachments/${wellFormed}`,
    `/inbox/not-archived?contact=${hex36}`,
    `/inbox/not-archived?contact=${dashes36}`,
    '/inbox/not-archived?contact=%00',
    `/inbox/not-archived?contact=${wellFormed}`,
    `/inbox/not-archived?contact=${wellFormed}&contact=${wellFormed}`,
    '/api/auth/not-an-action',
    '/api/auth/callback/no-such-provider',
    '/no-such-section',
    `/${hex36}`,
  ];

  it('answers 400 or 404, never 500, to every malformed id, page number, folder id and query string', async () => {
    const { context, page } = await signedIn(reader);
    const wrong: string[] = [];
    for (const path of malformed) {
      const response = await page.request.get(`${baseUrl}${path}`, { maxRedirects: 0 });
      if (![400, 404].includes(response.status())) wrong.push(`${path.slice(0, 80)} → ${response.status()}`);
    }
    expect(wrong).toEqual([]);
    // The Inbox itself still works with good parameters.
    expect((await page.request.get(`${baseUrl}/inbox?q=anna&before=1700000000000000.${wellFormed}`)).status()).toBe(200);
    // Nothing in the server log names the user or carries a statement's parameters.
    expect(app.output()).not.toContain(reader.id);
    expect(app.output()).not.toMatch(/params: /);
    await context.close();
  });
});

describe('what a new user sees', () => {
  it('has a favicon: no page asks for anything that is missing', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });
    await signIn(page, owner);
    await page.waitForURL(/\/inbox$/);
    await page.goto(`${baseUrl}/settings`);
    await page.waitForLoadState('networkidle');
    const favicon = await page.request.get(`${baseUrl}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    expect(missing).toEqual([]);
    await context.close();
  });

  it("carries the sidebar's background down to the end of a long page", async () => {
    const context = await newContext(browser, { viewport: { width: 1280, height: 420 } });
    const page = await context.newPage();
    await signIn(page, owner);
    await page.waitForURL(/\/inbox$/);
    await page.goto(`${baseUrl}/settings`);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const bottomLeft = await page.evaluate(() => {
      let element: Element | null = document.elementFromPoint(20, window.innerHeight - 3);
      while (element) {
        const colour = getComputedStyle(element).backgroundColor;
        if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
        element = element.parentElement;
      }
      return null;
    });
    expect(bottomLeft).toBe('rgb(255, 255, 255)');
    // And the column is as tall as the page, not as the window.
    const heights = await page.evaluate(() => ({
      sidebar: document.querySelector('[data-testid="sidebar"]')?.getBoundingClientRect().height ?? 0,
      page: document.documentElement.scrollHeight,
    }));
    expect(heights.sidebar).toBeGreaterThanOrEqual(heights.page - 1);
    await page.screenshot({ path: screenshotPath('sidebar-long-page'), fullPage: true });
    await context.close();
  });
});

// Last: it leaves this client address throttled for every later sign-in in this file.
describe('throttling by client address', () => {
  it('counts by the real client address: rotating X-Forwarded-For does not escape the limit', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    // Every try claims another address. Failures earlier in this file came from this client too, so the
    // limit may come sooner than CLIENT_POLICY.freeFailures tries, but never later.
    let throttled = false;
    for (let attempt = 0; attempt <= CLIENT_POLICY.freeFailures && !throttled; attempt++) {
      await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `198.51.100.${attempt + 1}` });
      await signIn(page, { email: `nobody-${attempt}@example.test`, password: 'wrong password!' });
      const answer = page.getByRole('alert').filter({ hasText: /Wrong e-mail address or password\.|Too many failed sign-in attempts/ });
      await expectVisible(answer);
      throttled = (await answer.textContent())?.includes('Too many failed sign-in attempts') ?? false;
    }
    expect(throttled).toBe(true);
    await context.close();
  });
});
