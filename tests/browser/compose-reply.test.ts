import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mailAccountSync, mailDraftAttachments, mailDrafts, mailFolders, mailMessages } from '@/db/schema';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { connectMailboxManually, expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { withImapClient } from '../harness/imap-client';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const bob = servers.users.find((user) => user.email === 'bob@example.test')!;
const writer = { name: 'Alice Writer', email: 'alice.writer@crm.test', password: 'alice writer password' };
const answerer = { name: 'Bob Answerer', email: 'bob.answerer@crm.test', password: 'bob answerer password' };
const attachment = crypto.randomBytes(12 * 1024 * 1024);
const subject = `Meeting on Friday ${crypto.randomBytes(3).toString('hex')}`;

let browser: Browser;
let app: BrowserTestApp;
let alicePage: Page;
let bobPage: Page;

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
}

/** The Inbox's connect flow with the harness's servers typed in by hand. */
async function connectMailbox(page: Page, mailbox: { email: string; password: string }) {
  await connectMailboxManually(page, servers, mailbox);
  await expectHidden(page.getByTestId('manual-settings-form'), 45_000);
}

async function findById(owner: { email: string; password: string }, folder: string, messageId: string, waitMs = 20_000): Promise<ParsedMail[]> {
  return withImapClient({ host: servers.host, port: servers.imapTlsPort, secure: true, tls: { ca: fs.readFileSync(servers.caCertPath) }, auth: { user: owner.email, pass: owner.password } }, async (client) => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const lock = await client.getMailboxLock(folder);
      try {
        const uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
        if (uids.length > 0 || Date.now() > deadline) {
          const found: ParsedMail[] = [];
          for (const uid of uids) {
            const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
            if (message && message.source) found.push(await simpleParser(message.source));
          }
          return found;
        }
      } finally {
        lock.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}

async function messageIdOf(draftId: string): Promise<string> {
  const [row] = await app.db.select({ messageId: mailDrafts.messageId }).from(mailDrafts).where(eq(mailDrafts.id, draftId));
  return row!.messageId;
}

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(writer.password, answerer.password);
  for (const user of [writer, answerer]) {
    const created = await createUser(app.db, { ...user, role: 'member' });
    await updatePreferences(app.db, created.id, { emailClient: 'crm', signature: `${user.name}\nExample AB` });
  }
  alicePage = await (await newContext(browser, { viewport: { width: 1280, height: 900 } })).newPage();
  bobPage = await (await newContext(browser, { viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(alicePage, writer);
  await connectMailbox(alicePage, alice);
  await signIn(bobPage, answerer);
  await connectMailbox(bobPage, bob);
}, 180_000);
afterAll(async () => {
  if (app) fs.writeFileSync(screenshotPath('compose-reply-app-log').replace(/\.png$/, '.log'), app.output());
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('writing mail in the browser', () => {
  let originalId = '';

  it('a new message: Cc/Bcc on demand, formatting, attachments (limit, chunked upload), undo send, then it goes out', async () => {
    await alicePage.goto(`${app.baseUrl}/inbox/compose`);
    const composer = alicePage.getByTestId('composer');
    await expectVisible(composer);
    // Cc and Bcc stay out of the way until asked for.
    expect(await alicePage.getByLabel('Cc', { exact: true }).count()).toBe(0);
    await alicePage.screenshot({ path: screenshotPath('compose-desktop-1280'), fullPage: true });

    await alicePage.getByLabel('To', { exact: true }).fill(bob.email);
    await alicePage.getByRole('button', { name: 'Add Cc recipients' }).click();
    await expectVisible(alicePage.getByLabel('Cc', { exact: true }));
    await alicePage.getByPlaceholder('Subject').fill(subject);
    const body = alicePage.getByTestId('compose-body');
    await body.click();
    await alicePage.keyboard.press('Control+Home');
    await alicePage.keyboard.type('Hi Bob, ');
    await alicePage.getByRole('button', { name: 'Bold' }).click();
    await alicePage.keyboard.type('see you Friday');
    await expectVisible(alicePage.getByText('Draft saved'), 10_000);
    const draftUrl = alicePage.url();

    // Over the limit: a clear error and nothing attached. Under it, above a proxy's 10 MB body buffer: sent in chunks, whole.
    await alicePage.locator('#compose-attach').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(26 * 1024 * 1024, 1) });
    await expectVisible(alicePage.getByRole('alert').filter({ hasText: 'at most 25 MB' }));
    await alicePage.locator('#compose-attach').setInputFiles({ name: 'plans.bin', mimeType: 'application/octet-stream', buffer: attachment });
    await expectVisible(alicePage.getByRole('button', { name: 'Remove plans.bin' }), 60_000);
    expect(await alicePage.getByRole('list', { name: 'Attachments' }).getByText('huge.bin').count()).toBe(0);
    const stored = await app.db.select({ size: mailDraftAttachments.size, length: sql<number>`octet_length(${mailDraftAttachments.content})` }).from(mailDraftAttachments);
    expect(stored.map((row) => [row.size, Number(row.length)])).toEqual([[attachment.length, attachment.length]]);
    expect(draftUrl).toMatch(/\/inbox\/compose\/[0-9a-f-]{36}$/);

    // Undo send puts it back into the editor.
    await alicePage.getByRole('button', { name: 'Send', exact: true }).click();
    await expectVisible(alicePage.getByRole('button', { name: 'Undo' }));
    await alicePage.screenshot({ path: screenshotPath('compose-undo-send') });
    await alicePage.getByRole('button', { name: 'Undo' }).click();
    await alicePage.locator('button[type=submit]:enabled', { hasText: /^Send$/ }).waitFor({ timeout: 10_000 });
    expect(await alicePage.getByRole('button', { name: 'Undo' }).count()).toBe(0);

    await alicePage.getByRole('button', { name: 'Send', exact: true }).click();
    await expectVisible(alicePage.getByRole('heading', { name: 'Message sent' }), 30_000);

    const draftId = draftUrl.split('/').pop()!;
    originalId = await messageIdOf(draftId);
    const [arrived] = await findById(bob, 'INBOX', originalId);
    expect(arrived?.subject).toBe(subject);
    expect(arrived?.html).toMatch(/<(b|strong)>see you Friday<\/(b|strong)>/);
    expect(arrived?.text).toContain('see you Friday');
    const file = arrived?.attachments.find((entry) => entry.filename === 'plans.bin');
    expect(file && Buffer.compare(file.content, attachment)).toBe(0);
    expect(arrived?.text).toMatch(/Hi Bob,\s+see you Friday\s+--\s*Alice Writer/);
  }, 120_000);

  it('Bob replies from the message page: threaded, arrives once, in his Sent once', async () => {
    // The import picks the message up on Bob's next pass; the Inbox shows it when it is there.
    // Made due now, as the Inbox's own refresh would; the app's timer runs the pass.
    await app.db.update(mailAccountSync).set({ nextPassAt: new Date() });
    const deadline = Date.now() + 90_000;
    for (;;) {
      await bobPage.goto(`${app.baseUrl}/inbox`);
      if ((await bobPage.getByTestId('message-list').getByText(subject).count()) > 0) break;
      if (Date.now() > deadline) throw new Error('the message never reached Bob’s Inbox in the CRM');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
    await bobPage.getByTestId('message-list').getByText(subject).first().click();
    await bobPage.getByRole('button', { name: 'Reply', exact: true }).click();
    await bobPage.waitForURL(/\/inbox\/compose\/[0-9a-f-]{36}$/);
    expect(await bobPage.getByLabel('To', { exact: true }).inputValue()).toContain(alice.email);
    expect(await bobPage.getByPlaceholder('Subject').inputValue()).toBe(`Re: ${subject}`);
    const body = bobPage.getByTestId('compose-body');
    await expectVisible(body.locator('blockquote'));
    await body.click();
    await bobPage.keyboard.press('Control+Home');
    await bobPage.keyboard.type('Friday works for me.');
    await bobPage.screenshot({ path: screenshotPath('compose-reply-desktop-1280'), fullPage: true });
    await bobPage.setViewportSize({ width: 375, height: 812 });
    await bobPage.screenshot({ path: screenshotPath('compose-reply-phone-375'), fullPage: true });
    const overflow = await bobPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await bobPage.setViewportSize({ width: 1280, height: 900 });
    const draftId = bobPage.url().split('/').pop()!;
    await bobPage.getByRole('button', { name: 'Send', exact: true }).click();
    await expectVisible(bobPage.getByRole('heading', { name: 'Message sent' }), 30_000);

    const replyId = { message_id: await messageIdOf(draftId) };
    const received = await findById(alice, 'INBOX', replyId.message_id);
    expect(received).toHaveLength(1);
    expect(received[0]!.inReplyTo).toBe(`<${originalId}>`);
    expect(received[0]!.subject).toBe(`Re: ${subject}`);
    expect(received[0]!.text).toContain('Friday works for me.');
    expect(await findById(bob, 'Sent', replyId.message_id, 0)).toHaveLength(1);

    // In the CRM, Bob's Sent shows it once (the import that follows the send).
    const deadlineSent = Date.now() + 30_000;
    let inSent: unknown[] = [];
    while (Date.now() < deadlineSent) {
      inSent = await app.db
        .select({ id: mailMessages.id })
        .from(mailMessages)
        .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
        .where(and(eq(mailMessages.messageId, replyId.message_id), eq(mailFolders.specialUse, 'sent')));
      if (inSent.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(inSent).toHaveLength(1);
  }, 180_000);

  it('the composer on a phone: Cc/Bcc folded away, Send, Close and Discard in reach', async () => {
    await alicePage.setViewportSize({ width: 375, height: 812 });
    await alicePage.goto(`${app.baseUrl}/inbox/compose`);
    await expectVisible(alicePage.getByTestId('composer'));
    expect(await alicePage.getByLabel('Bcc', { exact: true }).count()).toBe(0);
    for (const name of ['Send', 'Close', 'Discard']) await expectVisible(alicePage.getByRole('button', { name, exact: true }));
    await alicePage.screenshot({ path: screenshotPath('compose-phone-375'), fullPage: true });
    const overflow = await alicePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await alicePage.getByRole('button', { name: 'Close', exact: true }).click();
    await alicePage.waitForURL(/\/inbox$/);
  });
});
