import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { mailFrameDocument } from '@/lib/mail/html';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { expectVisible, launchChromium, newContext } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';

const user = { name: 'Sec Headers', email: 'sec@example.test', password: 'security headers password' };
const appPages = ['/inbox', '/settings', '/settings/email', '/settings/local', '/inbox/compose'];

/** A 1×1 transparent PNG, the smallest thing a remote image server can answer with. */
const ONE_PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let browser: Browser;
let app: BrowserTestApp;
let imageServer: http.Server;
let imageServerOrigin: string;
const imageRequests: string[] = [];

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  const created = await createUser(app.db, { ...user, role: 'member' });
  // Answered in advance, so the first-sign-in question does not cover the pages.
  await updatePreferences(app.db, created.id, { emailClient: 'crm' });

  // Stands in for a sender's image host: another origin than the app's.
  imageServer = http.createServer((request, response) => {
    imageRequests.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'image/png' }).end(ONE_PIXEL_PNG);
  });
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  imageServerOrigin = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop(), new Promise((resolve) => (imageServer ? imageServer.close(resolve) : resolve(undefined)))]);
});

interface WatchedContext {
  context: BrowserContext;
  page: Page;
  /** CSP violations seen so far, from both the DOM event and Chromium's console messages. */
  violations: string[];
}

/** A page that records every CSP violation, in any document it loads, for the whole test. */
async function watchedPage(): Promise<WatchedContext> {
  const context = await newContext(browser);
  const violations: string[] = [];
  // Bindings and init scripts are installed through the DevTools protocol, so the CSP under test
  // does not stop them.
  await context.exposeBinding('reportCspViolation', ({ frame }, text: string) => {
    violations.push(`${frame.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation(text: string): Promise<void> }).reportCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  return { context, page, violations };
}

/** The nonce in a page policy: 'nonce-<base64>'. */
function nonceOf(policy: string): string | undefined {
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
}

async function expectPageHeaders(response: Response | null, page: Page, path: string): Promise<void> {
  expect(response, `${path} answered`).not.toBeNull();
  const headers = response?.headers() ?? {};
  const policy = headers['content-security-policy'] ?? '';
  expect(policy, `${path} CSP`).toContain("'strict-dynamic'");
  expect(policy, `${path} CSP`).toContain("frame-ancestors 'none'");
  expect(policy, `${path} CSP`).toContain("object-src 'none'");
  expect(policy, `${path} CSP`).toContain("img-src 'self' data: https: http:");
  expect(policy, `${path}: no eval in production`).not.toContain("'unsafe-eval'");
  expect(headers['x-frame-options'], path).toBe('DENY');
  expect(headers['x-content-type-options'], path).toBe('nosniff');
  expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy'], path).toContain('camera=()');
  expect(headers['strict-transport-security'], `${path}: no HSTS over plain HTTP`).toBeUndefined();

  // Next.js took the nonce from the policy and put it on every script of the page.
  const nonce = nonceOf(policy);
  expect(nonce, `${path} nonce`).toBeTruthy();
  const scriptNonces = await page.evaluate(() => [...document.scripts].map((script) => script.nonce));
  expect(scriptNonces.length, `${path} has scripts`).toBeGreaterThan(0);
  expect(new Set(scriptNonces), `${path} script nonces`).toEqual(new Set([nonce]));
}

describe('security headers', () => {
  it('are on every page, whose scripts carry the nonce, and sign-in and navigation work under the CSP', async () => {
    const { context, page, violations } = await watchedPage();

    const signInResponse = await page.goto(`${app.baseUrl}/sign-in`);
    await expectPageHeaders(signInResponse, page, '/sign-in');
    await page.getByLabel('E-mail address').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/inbox$/);

    for (const path of appPages) {
      const response = await page.goto(`${app.baseUrl}${path}`);
      expect(new URL(page.url()).pathname, `${path} did not redirect`).toBe(path);
      await expectPageHeaders(response, page, path);
    }

    // Client-side navigation needs the nonce-approved scripts to have run: a full page load would
    // wipe this marker.
    await page.goto(`${app.baseUrl}/inbox`);
    await page.evaluate(() => Object.assign(window, { navigatedInPlace: true }));
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Settings', exact: true }));
    await page.getByRole('link', { name: 'Open local settings' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Local settings', exact: true }));
    expect(await page.evaluate(() => (window as unknown as { navigatedInPlace?: boolean }).navigatedInPlace)).toBe(true);

    expect(violations).toEqual([]);
    await context.close();
  });

  it('give every request its own nonce', async () => {
    const policies = await Promise.all(
      [1, 2].map(async () => (await fetch(`${app.baseUrl}/sign-in`)).headers.get('content-security-policy') ?? ''),
    );
    const [first, second] = policies.map(nonceOf);
    expect(first).toBeTruthy();
    expect(first).not.toBe(second);
  });

  it('are on API responses too, with a policy that lets nothing load', async () => {
    const response = await fetch(`${app.baseUrl}/api/health`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('include HSTS only when the request came over HTTPS (X-Forwarded-Proto from the TLS proxy)', async () => {
    for (const path of ['/sign-in', '/api/health']) {
      const overHttps = await fetch(`${app.baseUrl}${path}`, { headers: { 'X-Forwarded-Proto': 'https' }, redirect: 'manual' });
      expect(overHttps.headers.get('strict-transport-security'), path).toBe('max-age=63072000; includeSubDomains');
      const overHttp = await fetch(`${app.baseUrl}${path}`, { redirect: 'manual' });
      expect(overHttp.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it("do not block a mail's remote images, once shown, in the srcdoc frame that inherits the page's policy", async () => {
    const { context, page, violations } = await watchedPage();
    await page.goto(`${app.baseUrl}/sign-in`);
    const imageUrl = `${imageServerOrigin}/tracker/pixel.png`;
    // The stored form of a mail with a remote image (sanitizer output), revealed as after "Show remote images".
    const frameDocument = mailFrameDocument(`<p>Hello</p><img data-remote-src="${imageUrl}" alt="logo">`, { showRemoteImages: true });
    // The same frame HtmlBodyFrame renders; made here so this test does not depend on stored mail.
    await page.evaluate((srcdoc) => {
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
      frame.srcdoc = srcdoc;
      document.body.append(frame);
    }, frameDocument);

    const deadline = Date.now() + 10_000;
    while (!imageRequests.includes('/tracker/pixel.png') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(imageRequests).toContain('/tracker/pixel.png');
    expect(violations).toEqual([]);
    await context.close();
  });
});
