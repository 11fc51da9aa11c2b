import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { connectMailboxManually, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { deliverToMaildir } from '../harness/mail-servers';

// New mail shows up in the open Inbox by itself: the server watches the INBOX with IMAP IDLE,
// imports on the notice, and the page follows the mailbox over server-sent events.

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const watcher = { name: 'Live Reader', email: 'live.reader@crm.test', password: 'live reader password' };

let browser: Browser;
let app: BrowserTestApp;
let page: Page;

function message(subject: string): string {
  return [
    'From: Carol Customer <carol@customer.test>',
    `To: ${alice.email}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@customer.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello.',
    '',
  ].join('\r\n');
}

const unreadInTitle = async () => Number(/^\((\d+)\) Inbox/.exec(await page.title())?.[1] ?? 0);

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(watcher.password);
  const created = await createUser(app.db, { ...watcher, role: 'member' });
  await updatePreferences(app.db, created.id, { emailClient: 'crm' });
  await deliverToMaildir(servers.maildirs[alice.email]!, message(`Live before ${crypto.randomUUID()}`), { flags: '' });
  page = await (await newContext(browser)).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(watcher.email);
  await page.getByLabel('Password').fill(watcher.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('the open Inbox', () => {
  it('shows newly delivered mail without a reload, with the unread count in the tab title', async () => {
    await connectMailboxManually(page, servers, alice);
    const list = page.getByTestId('message-list');
    await expectVisible(list.getByText(/^Live before/).first(), 45_000);
    await expect.poll(unreadInTitle, { timeout: 15_000 }).toBeGreaterThan(0);
    const unreadBefore = await unreadInTitle();
    // Survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { liveMarker: string }).liveMarker = 'still here'));

    const subject = `Live after ${crypto.randomUUID()}`;
    await deliverToMaildir(servers.maildirs[alice.email]!, message(subject), { flags: '' });

    // Far sooner than the two-minute import timer.
    await expectVisible(list.getByText(subject), 30_000);
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: string }).liveMarker)).toBe('still here');
    await expect.poll(unreadInTitle, { timeout: 10_000 }).toBeGreaterThan(unreadBefore);
    await page.screenshot({ path: screenshotPath('inbox-live') });
  });

  it('refuses the event stream without a session', async () => {
    const response = await fetch(`${app.baseUrl}/api/mail/events`);
    expect(response.status).toBe(401);
  });
});
