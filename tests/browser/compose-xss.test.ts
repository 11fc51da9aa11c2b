import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mailFolders, mailMessages, type User } from '@/db/schema';
import { createReplyDraft, type QuoteLabels } from '@/lib/mail/compose';
import { setFoldersSelected } from '@/lib/mail/mailbox';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { connectMailboxManually, expectHidden, expectVisible, launchChromium, newContext } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { deliverToMaildir } from '../harness/mail-servers';

/**
 * Every payload of the XSS corpora arrives as an HTML message, is opened in the app and quoted into
 * a reply: the composer's editable area is on the app's own origin, so nothing may run there and
 * nothing may be fetched from anywhere the payload names.
 */

const servers = inject('mailServers');
const alice = servers.users.find((entry) => entry.email === 'alice@example.test')!;
const person = { name: 'Xss Tester', email: 'xss.tester@crm.test', password: 'xss tester password' };
const folder = `XSS-${crypto.randomBytes(3).toString('hex')}`;
const fixtures = path.join(process.cwd(), 'tests', 'fixtures', 'xss');
const payloads: { name: string; html: string }[] = [
  ...(JSON.parse(fs.readFileSync(path.join(fixtures, 'dompurify-payloads.json'), 'utf8')) as { title: string; payload: string }[]).map((entry, index) => ({
    name: `dompurify ${index}: ${entry.title}`,
    html: entry.payload,
  })),
  ...(JSON.parse(fs.readFileSync(path.join(fixtures, 'h5sc-vectors.json'), 'utf8')) as { id: number; name: string; payload: string }[]).map((entry) => ({
    name: `h5sc ${entry.id}: ${entry.name}`,
    html: entry.payload,
  })),
];
const labels = (): QuoteLabels => ({ wrote: 'Someone wrote:', forwardedHeader: 'Forwarded', from: 'From:', date: 'Date:', subject: 'Subject:', to: 'To:', cc: 'Cc:', formattedDate: 'today' });

let browser: Browser;
let app: BrowserTestApp;
let page: Page;
let user: User;

beforeAll(async () => {
  // Delivered before the mailbox is connected: one import brings them all.
  for (const [index, payload] of payloads.entries()) {
    const raw = [
      'From: Mallory <mallory@attacker.test>',
      `To: ${alice.email}`,
      `Subject: xss ${index}`,
      `Message-ID: <xss-${index}-${folder}@attacker.test>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(`<html><body><p>Payload ${index}</p>${payload.html}</body></html>`, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n'),
      '',
    ].join('\r\n');
    await deliverToMaildir(servers.maildirs[alice.email]!, raw, { folder, flags: '' });
  }
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(person.password);
  user = await createUser(app.db, { ...person, role: 'member' });
  await updatePreferences(app.db, user.id, { emailClient: 'crm' });
  page = await (await newContext(browser)).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
  await connectMailboxManually(page, servers, alice);
  await expectHidden(page.getByTestId('manual-settings-form'), 45_000);

  // Only the payload folder is imported.
  const deadline = Date.now() + 60_000;
  let folderRow: { id: string } | undefined;
  while (!folderRow && Date.now() < deadline) {
    [folderRow] = await app.db.select({ id: mailFolders.id }).from(mailFolders).where(eq(mailFolders.path, folder));
    if (!folderRow) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (!folderRow) throw new Error(`folder ${folder} was never listed`);
  await setFoldersSelected(app.db, user.id, [folderRow.id]);
  const importDeadline = Date.now() + 150_000;
  for (;;) {
    const rows = await app.db.select({ id: mailMessages.id }).from(mailMessages).where(eq(mailMessages.folderId, folderRow.id));
    if (rows.length >= payloads.length) break;
    if (Date.now() > importDeadline) throw new Error(`only ${rows.length} of ${payloads.length} payload messages were imported`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}, 300_000);
afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('quoting hostile mail into a reply', () => {
  it(`runs nothing and loads nothing from any of the ${payloads.length} payloads`, async () => {
    const dialogs: string[] = [];
    const foreignRequests: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(app.baseUrl) && !/^(data|blob|about):/.test(url)) foreignRequests.push(url);
    });
    const problems: string[] = [];
    for (const [index, payload] of payloads.entries()) {
      const [message] = await app.db
        .select({ id: mailMessages.id })
        .from(mailMessages)
        .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
        .where(and(eq(mailFolders.path, folder), eq(mailMessages.subject, `xss ${index}`)));
      if (!message) {
        problems.push(`${payload.name}: not imported`);
        continue;
      }
      const draft = await createReplyDraft(app.db, user.id, message.id, 'reply', labels);
      const before = { dialogs: dialogs.length, requests: foreignRequests.length };
      await page.goto(`${app.baseUrl}/inbox/compose/${draft.id}`);
      const body = page.getByTestId('compose-body');
      await expectVisible(body.locator('blockquote'));
      await page.waitForTimeout(50);
      const found = await body.evaluate((editor) => {
        const dangerous = editor.querySelectorAll('script, iframe, object, embed, style, link, meta, base, form, svg, math, template');
        const handlers = [...editor.querySelectorAll('*')].flatMap((element) => [...element.attributes].filter((attribute) => /^on/i.test(attribute.name) || (/^(href|action|formaction|xlink:href|background|poster|srcset|data)$/i.test(attribute.name) && /^\s*(javascript|vbscript|data):/i.test(attribute.value))).map((attribute) => `${element.tagName}[${attribute.name}]`));
        const remote = [...editor.querySelectorAll('[src]')].map((element) => element.getAttribute('src') ?? '').filter((src) => !src.startsWith('data:image/'));
        return { dangerous: dangerous.length, handlers, remote };
      });
      if (dialogs.length > before.dialogs) problems.push(`${payload.name}: dialog ${dialogs.slice(before.dialogs).join(', ')}`);
      if (foreignRequests.length > before.requests) problems.push(`${payload.name}: requested ${foreignRequests.slice(before.requests).join(', ')}`);
      if (found.dangerous > 0 || found.handlers.length > 0 || found.remote.length > 0) problems.push(`${payload.name}: left in the editor ${JSON.stringify(found)}`);
    }
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(foreignRequests).toEqual([]);
  }, 600_000);
});
