import type { ImapFlow } from 'imapflow';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { connectMailboxManually, expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { withImapClient } from '../harness/imap-client';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const dana = servers.users.find((user) => user.email === 'dana@example.test')!;
const seller = { name: 'Dana Seller', email: 'dana.seller@crm.test', password: 'dana seller password' };
const run = Date.now().toString(36);

let browser: Browser;
let app: BrowserTestApp;
let page: Page;

function message(subject: string, options: { messageId?: string; inReplyTo?: string; from?: string; minutesAgo?: number } = {}): string {
  const date = new Date(Date.now() - (options.minutesAgo ?? 0) * 60_000);
  return [
    `From: ${options.from ?? 'Erik Buyer <erik@buyer.test>'}`,
    `To: Dana <${dana.email}>`,
    `Subject: ${subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${options.messageId ?? `${subject.replace(/\W+/g, '-')}-${run}`}@buyer.test>`,
    ...(options.inReplyTo ? [`In-Reply-To: <${options.inReplyTo}@buyer.test>`, `References: <${options.inReplyTo}@buyer.test>`] : []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    `About ${subject}.`,
    '',
  ].join('\r\n');
}

/** Dana's mailbox as another mail program sees it. */
function withDanaImap<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient({ host: servers.host, port: servers.imapPlainPort, secure: false, auth: { user: dana.email, pass: dana.password } }, work);
}

/** The flags the server has for the message with `subject` in `folder`; null when it is not there. */
async function serverFlags(folder: string, subject: string): Promise<string[] | null> {
  return withDanaImap(async (client) => {
    await client.mailboxOpen(folder, { readOnly: true });
    const uids = await client.search({ subject }, { uid: true });
    if (!uids || uids.length === 0) return null;
    const [found] = await client.fetchAll(uids.join(','), { flags: true }, { uid: true });
    return [...(found?.flags ?? [])].filter((flag) => flag !== '\\Recent').sort();
  });
}

async function noSidewaysScroll(target: Page): Promise<boolean> {
  return target.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(seller.password);
  const user = await createUser(app.db, { ...seller, role: 'member' });
  await updatePreferences(app.db, user.id, { emailClient: 'crm' });
  const maildir = servers.maildirs[dana.email]!;
  const subjects = ['Quarterly numbers', 'Lunch on Friday', 'Old invoice'];
  // Received at distinct times (IMAP's received time has whole seconds), so the list's order is known.
  const receivedAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  for (const [index, subject] of subjects.entries()) {
    await deliverToMaildir(maildir, message(subject, { minutesAgo: 10 + index }), { flags: '', receivedAt: receivedAt(10 + index) });
  }
  await deliverToMaildir(maildir, message('Project kickoff', { messageId: `kickoff-${run}`, minutesAgo: 30 }), { flags: 'S', receivedAt: receivedAt(30) });
  await deliverToMaildir(maildir, message('Re: Project kickoff', { inReplyTo: `kickoff-${run}`, from: 'Frida Partner <frida@partner.test>', minutesAgo: 5 }), {
    flags: '',
    receivedAt: receivedAt(5),
  });

  page = await (await newContext(browser)).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(seller.email);
  await page.getByLabel('Password').fill(seller.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
  await connectMailboxManually(page, servers, dana);
  await expectVisible(page.getByTestId('message-list').getByText('Old invoice', { exact: true }), 45_000);
}, 180_000);

afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('acting on mail in the Inbox', () => {
  it('lists folders with unread counts and flags a message from the list, on the server too', async () => {
    const inbox = page.getByTestId('folder-list').getByRole('link', { name: /^Inbox/ });
    await expectVisible(inbox.getByText('4'));
    const row = page.locator('li', { has: page.getByText('Lunch on Friday', { exact: true }) });
    await row.getByRole('button', { name: 'Flag this message' }).click();
    await expectVisible(row.getByRole('button', { name: 'Remove the flag' }));
    await expect.poll(() => serverFlags('INBOX', 'Lunch on Friday'), { timeout: 20_000 }).toEqual(['\\Flagged']);
    await page.screenshot({ path: screenshotPath('inbox-desktop-list') });
  });

  it('opens a message beside the list, marks it read after a moment, and marks it unread again', async () => {
    await page.getByTestId('message-list').getByText('Quarterly numbers', { exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Quarterly numbers' }));
    // The list stays beside the message on a wide screen.
    await expectVisible(page.getByTestId('message-list').getByText('Old invoice', { exact: true }));
    await expectVisible(page.getByText('<erik@buyer.test>').first());
    await expect.poll(() => serverFlags('INBOX', 'Quarterly numbers'), { timeout: 20_000 }).toEqual(['\\Seen']);
    await page.screenshot({ path: screenshotPath('inbox-desktop-message') });

    await page.getByTestId('message-view').getByRole('button', { name: 'Mark unread' }).click();
    await page.waitForURL(/\/inbox(\?|$)/);
    await expect.poll(() => serverFlags('INBOX', 'Quarterly numbers'), { timeout: 20_000 }).toEqual([]);
  });

  it('moves a selection to another folder, on the server too', async () => {
    const row = page.locator('li', { has: page.getByText('Old invoice', { exact: true }) });
    await row.getByRole('checkbox').check();
    await page.getByRole('toolbar', { name: 'Actions on selected messages' }).getByRole('combobox', { name: 'Move to…' }).selectOption({ label: 'Archive' });
    await expectHidden(page.getByTestId('message-list').getByText('Old invoice', { exact: true }));
    await expect.poll(() => serverFlags('Archive', 'Old invoice'), { timeout: 20_000 }).toEqual([]);
    expect(await serverFlags('INBOX', 'Old invoice')).toBeNull();
  });

  it('deletes the open message to the Trash and opens the next one', async () => {
    await page.getByTestId('message-list').getByText('Lunch on Friday', { exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Lunch on Friday' }));
    await page.getByTestId('message-view').getByRole('button', { name: 'Delete', exact: true }).click();
    await expectHidden(page.getByTestId('message-list').getByText('Lunch on Friday', { exact: true }));
    await expect.poll(() => serverFlags('Trash', 'Lunch on Friday'), { timeout: 20_000 }).not.toBeNull();
    expect(await serverFlags('INBOX', 'Lunch on Friday')).toBeNull();
  });

  it('moves through the list with the keyboard and lists the shortcuts', async () => {
    await page.goto(`${app.baseUrl}/inbox`);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expectVisible(page.getByTestId('message-view'));
    await page.keyboard.press('u');
    await expectHidden(page.getByTestId('message-view'));
    await expectVisible(page.getByTestId('message-list'));
    // Pressed until the freshly rendered list page listens (a client navigation just happened).
    await expect
      .poll(async () => {
        await page.keyboard.press('?');
        return page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible();
      }, { timeout: 10_000 })
      .toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
  });

  it('groups a folder by conversation', async () => {
    await page.goto(`${app.baseUrl}/inbox`);
    await page.getByRole('link', { name: 'Group by conversation' }).click();
    const row = page.getByTestId('message-list').locator('li', { hasText: 'Re: Project kickoff' });
    await page.waitForURL(/view=conversations/);
    await expectVisible(row.getByText('(2)'));
    await expectHidden(page.getByTestId('message-list').getByText('Project kickoff', { exact: true }));
    await row.getByRole('link').click();
    const conversation = page.getByTestId('conversation-view');
    await expectVisible(conversation.getByRole('link', { name: 'Erik Buyer' }));
    await expectVisible(conversation.getByRole('link', { name: 'Frida Partner' }));
    // The newest message's sender is no contact: the CRM offers to add her.
    await expectVisible(conversation.getByTestId('unknown-sender').getByText('<frida@partner.test>'));
    await page.screenshot({ path: screenshotPath('inbox-desktop-conversation') });
  });

  it('fits a phone on every Inbox page: nothing scrolls sideways, the message has the screen', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const pages = [`${app.baseUrl}/inbox`, `${app.baseUrl}/inbox?q=kickoff`, `${app.baseUrl}/inbox?view=conversations`];
    for (const url of pages) {
      await page.goto(url);
      expect(await noSidewaysScroll(page), url).toBe(true);
    }
    await page.screenshot({ path: screenshotPath('inbox-phone-list'), fullPage: true });
    await page.goto(`${app.baseUrl}/inbox`);
    await page.getByTestId('message-list').getByText('Quarterly numbers', { exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Quarterly numbers' }));
    await expectHidden(page.getByTestId('message-list'));
    expect(await noSidewaysScroll(page)).toBe(true);
    const back = page.getByRole('link', { name: '← Back to the list' });
    expect((await back.boundingBox())!.height).toBeGreaterThanOrEqual(40);
    await page.screenshot({ path: screenshotPath('inbox-phone-message'), fullPage: true });
    await back.click();
    await expectVisible(page.getByTestId('message-list'));
    await page.getByRole('link', { name: 'Group by conversation' }).click();
    await page.waitForURL(/view=conversations/);
    await page.getByTestId('message-list').locator('li', { hasText: 'Re: Project kickoff' }).getByRole('link').click();
    await expectVisible(page.getByTestId('conversation-view'));
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('inbox-phone-conversation'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
