import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser, findUserByEmail } from '@/lib/users/service';
import { mailFolders } from '@/db/schema';
import { setFoldersSelected } from '@/lib/mail/mailbox';
import { eq } from 'drizzle-orm';
import { expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const bob = servers.users.find((user) => user.email === 'bob@example.test')!;
const reader = { name: 'Bob Reader', email: 'bob.reader@crm.test', password: 'bob reader password' };
const stranger = { name: 'Other Person', email: 'other@crm.test', password: 'other person password' };

let browser: Browser;
let app: BrowserTestApp;
let page: Page;
// A stand-in for a tracking-pixel server: it counts every request the mail's images make.
let trackerHits = 0;
let tracker: http.Server;
let trackerUrl: string;

function message(subject: string, body: string, contentType = 'text/plain; charset=utf-8'): string {
  const headers = [
    'From: Carol Customer <carol@customer.test>',
    `To: ${bob.email}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${subject.replace(/\W+/g, '-')}-${Date.now()}@customer.test>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

async function signIn(target: Page, user: { email: string; password: string }) {
  await target.goto(`${app.baseUrl}/sign-in`);
  await target.getByLabel('E-mail address').fill(user.email);
  await target.getByLabel('Password').fill(user.password);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.waitForURL(/\/inbox$/);
}

beforeAll(async () => {
  tracker = http.createServer((_request, response) => {
    trackerHits++;
    response.writeHead(200, { 'Content-Type': 'image/gif' });
    response.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/pixel.gif`;

  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(reader.password, stranger.password);
  for (const user of [reader, stranger]) {
    const created = await createUser(app.db, { ...user, role: 'member' });
    await updatePreferences(app.db, created.id, { emailClient: 'crm' });
  }

  const maildir = servers.maildirs[bob.email]!;
  await deliverToMaildir(maildir, message('Plain hello', 'Hello Bob,\r\nthe contract is attached in the next mail.\r\n'), { flags: '' });
  await deliverToMaildir(
    maildir,
    message(
      'Newsletter with tricks',
      `<html><body><h1>Autumn offers</h1><p onclick="alert(1)">Big sale</p><script>window.parent.document.title='pwned'</script>` +
        `<img src="${trackerUrl}" width="1" height="1"><a href="javascript:alert(2)">click</a></body></html>`,
      'text/html; charset=utf-8',
    ),
    { flags: '' },
  );
  const boundary = 'b0undary';
  await deliverToMaildir(
    maildir,
    message(
      'Contract attached',
      [
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Here is the contract.',
        `--${boundary}`,
        'Content-Type: text/plain; name="contract.txt"',
        'Content-Disposition: attachment; filename="contract.txt"',
        '',
        'The contract text.',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
      `multipart/mixed; boundary="${boundary}"`,
    ),
    { flags: 'S' },
  );

  page = await (await newContext(browser)).newPage();
  await signIn(page, reader);
});
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop(), new Promise((resolve) => tracker?.close(resolve))]);
});

describe('the Inbox after connecting a mailbox', () => {
  let newsletterUrl: string;

  it('imports right after connecting and fills the list', async () => {
    await page.getByLabel('E-mail address').fill(bob.email);
    await page.getByLabel('Password').fill(bob.password);
    await page.getByRole('button', { name: 'Connect' }).click();
    const form = page.getByTestId('manual-settings-form');
    await expectVisible(form, 30_000);
    for (const [protocol, port] of [['imap', servers.imapTlsPort], ['smtp', servers.smtpTlsPort]] as const) {
      const section = page.getByTestId(`${protocol}-settings`);
      await section.getByLabel(/server$/).fill(`${servers.host}:${port}`);
      await section.getByRole('checkbox').check();
    }
    await form.getByRole('button', { name: 'Connect' }).click();
    const list = page.getByTestId('message-list');
    await expectVisible(list.getByText('Contract attached'), 45_000);
    await expectVisible(list.getByText('Newsletter with tricks'));
    await expectVisible(list.getByText('Plain hello'));
    await page.screenshot({ path: screenshotPath('inbox-list') });
  });

  it('shows HTML mail in a sandbox with scripts gone and the tracking pixel not loaded', async () => {
    await page.getByTestId('message-list').getByText('Newsletter with tricks').click();
    await expectVisible(page.getByRole('heading', { name: 'Newsletter with tricks' }));
    newsletterUrl = page.url();
    const frame = page.locator('iframe');
    const sandbox = await frame.getAttribute('sandbox');
    expect(sandbox).not.toBeNull();
    expect(sandbox).not.toContain('allow-scripts');
    expect(sandbox).not.toContain('allow-same-origin');
    const document = (await frame.getAttribute('srcdoc')) ?? '';
    expect(document).toContain('Autumn offers');
    expect(document).not.toMatch(/<script|onclick|javascript:/i);
    expect(document).toContain('Content-Security-Policy');

    await page.waitForTimeout(500);
    expect(trackerHits).toBe(0);
    expect(await page.title()).not.toBe('pwned');

    await page.getByRole('button', { name: 'Show remote images (1)' }).click();
    await expect.poll(() => trackerHits, { timeout: 10_000 }).toBe(1);
  });

  it('offers attachments for download', async () => {
    await page.goto(`${app.baseUrl}/inbox`);
    await page.getByTestId('message-list').getByText('Contract attached').click();
    const link = page.getByRole('link', { name: 'contract.txt' });
    await expectVisible(link);
    const response = await page.request.get(`${app.baseUrl}${await link.getAttribute('href')}`);
    expect(response.status()).toBe(200);
    expect(await response.text()).toBe('The contract text.');
  });

  it('finds mail by the words of its text and subject, across folders', async () => {
    await page.goto(`${app.baseUrl}/inbox`);
    const search = page.getByRole('searchbox', { name: 'Search', exact: true });
    const list = page.getByTestId('message-list');
    await search.fill('autumn OFFERS');
    await search.press('Enter');
    await expectVisible(page.getByText('1 message found for “autumn OFFERS”.'));
    await expectVisible(list.getByText('Newsletter with tricks'));
    await expectHidden(list.getByText('Plain hello'));

    await search.fill('contract');
    await search.press('Enter');
    await expectVisible(page.getByText('2 messages found for “contract”.'));
    await expectVisible(list.getByText('Contract attached'));
    await expectVisible(list.getByText('Plain hello'));
    await expectHidden(list.getByText('Newsletter with tricks'));

    await search.fill('zebra quartz');
    await search.press('Enter');
    await expectVisible(page.getByRole('heading', { name: 'No messages found' }));
    await page.getByRole('link', { name: 'Back to the folder' }).click();
    await expectVisible(list.getByText('Plain hello'));
  });

  it('fits a phone: no sideways scrolling in the list or a message', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const url of [`${app.baseUrl}/inbox`, newsletterUrl]) {
      await page.goto(url);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), url).toBe(true);
    }
    await page.screenshot({ path: screenshotPath('message-phone'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('lets the user choose which folders are imported, and only their own', async () => {
    await page.goto(`${app.baseUrl}/settings/email`);
    const selection = page.getByTestId('folder-selection');
    const archive = selection.getByRole('checkbox', { name: /^Archive/ });
    expect(await selection.getByRole('checkbox', { name: /^Inbox/ }).isChecked()).toBe(true);
    expect(await archive.isChecked()).toBe(false);
    await archive.check();
    await selection.getByRole('button', { name: 'Save folders' }).click();
    await expectVisible(page.getByText('Saved. The next import follows the new choice.'));
    await page.reload();
    expect(await page.getByTestId('folder-selection').getByRole('checkbox', { name: /^Archive/ }).isChecked()).toBe(true);

    // Another user's ids change nothing here: the update is scoped to the caller's own account.
    const [archiveRow] = await app.db.select().from(mailFolders).where(eq(mailFolders.path, 'Archive'));
    const strangerRow = await findUserByEmail(app.db, stranger.email);
    await setFoldersSelected(app.db, strangerRow!.id, []);
    const [after] = await app.db.select().from(mailFolders).where(eq(mailFolders.id, archiveRow!.id));
    expect(after!.selectedForImport).toBe(true);
  });

  it("keeps one user's mail from another user", async () => {
    await page.goto(`${app.baseUrl}/inbox`);
    await page.getByTestId('message-list').getByText('Contract attached').click();
    const attachmentHref = await page.getByRole('link', { name: 'contract.txt' }).getAttribute('href');
    const messageUrl = page.url();

    const other = await (await newContext(browser)).newPage();
    await signIn(other, stranger);
    expect((await other.goto(messageUrl))?.status()).toBe(404);
    const refused = await other.request.get(`${app.baseUrl}${attachmentHref}`);
    expect(refused.status()).toBe(404);
    expect(await refused.text()).toBe('Attachment not found.');
    // And nobody gets an attachment without a session.
    expect((await browser.newContext().then((context) => context.request.get(`${app.baseUrl}${attachmentHref}`))).status()).toBe(401);
    await other.context().close();
  });
});
