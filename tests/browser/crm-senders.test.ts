import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { companyFieldsSchema, createCompany, getCompany } from '@/lib/crm/companies';
import { contactFieldsSchema, createContact, findContactsByAddresses, getContact } from '@/lib/crm/contacts';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import type { User } from '@/db/schema';
import { connectMailboxManually, expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const erin = servers.users.find((user) => user.email === 'erin@example.test')!;
const seller = { name: 'Erin Seller', email: 'erin.seller@crm.test', password: 'erin seller password' };

let browser: Browser;
let app: BrowserTestApp;
let page: Page;
let user: User;

function message(from: string, subject: string, minutesAgo: number): string {
  return [
    `From: ${from}`,
    `To: Erin <${erin.email}>`,
    `Subject: ${subject}`,
    `Date: ${new Date(Date.now() - minutesAgo * 60_000).toUTCString()}`,
    `Message-ID: <${subject.replace(/\W+/g, '-')}-${Date.now()}@sender.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `About ${subject}.`,
    '',
  ].join('\r\n');
}

const noSidewaysScroll = (target: Page) => target.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

async function openMessage(subject: string): Promise<void> {
  await page.goto(`${app.baseUrl}/inbox`);
  await page.getByTestId('message-list').getByText(subject, { exact: true }).click();
  await expectVisible(page.getByRole('heading', { name: subject }));
}

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(seller.password);
  user = await createUser(app.db, { ...seller, role: 'member' });
  await updatePreferences(app.db, user.id, { emailClient: 'crm' });
  await createCompany(app.db, user, companyFieldsSchema.parse({ name: 'Nordic Widgets AB', domains: 'nordic-widgets.test' }));
  await createContact(app.db, user, contactFieldsSchema.parse({ firstName: 'Olle', lastName: 'Olsson', emails: ['olle@olsson.test'] }));

  const maildir = servers.maildirs[erin.email]!;
  const mail = [
    ['"Lund, Karin" <karin.lund@nordic-widgets.test>', 'Widget order', 1],
    ['Karin Lund <karin.lund@nordic-widgets.test>', 'Earlier widget question', 60],
    ['Pelle Privat <pelle.privat@gmail.com>', 'Private hello', 2],
    ['Olle O <olle.o@newjob.test>', 'My new address', 3],
    ['Stina Start <stina@fresh-start.test>', 'Fresh start', 4],
  ] as const;
  for (const [from, subject, minutesAgo] of mail) {
    await deliverToMaildir(maildir, message(from, subject, minutesAgo), { flags: 'S', receivedAt: new Date(Date.now() - minutesAgo * 60_000) });
  }

  page = await (await newContext(browser)).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(seller.email);
  await page.getByLabel('Password').fill(seller.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
  await connectMailboxManually(page, servers, erin);
  await expectVisible(page.getByTestId('message-list').getByText('Fresh start', { exact: true }), 45_000);
});

afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('unknown senders in the Inbox', () => {
  it('adds an unknown sender as a contact of the company of its domain, offers its earlier mail, and the banner goes', async () => {
    await openMessage('Widget order');
    const banner = page.getByTestId('unknown-sender');
    await expectVisible(banner.getByText('Unknown sender', { exact: true }));
    await expectVisible(banner.getByText('<karin.lund@nordic-widgets.test>'));
    await expectVisible(banner.getByText('Might work at Nordic Widgets AB'));
    await page.screenshot({ path: screenshotPath('unknown-sender-banner-desktop') });

    await banner.getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add to the CRM' });
    await expectVisible(dialog);
    // "Lund, Karin" is turned around; the company of the domain is proposed first.
    expect(await dialog.getByLabel('First name').inputValue()).toBe('Karin');
    expect(await dialog.getByLabel('Last name').inputValue()).toBe('Lund');
    expect(await dialog.getByRole('radio', { name: 'Might work at Nordic Widgets AB' }).isChecked()).toBe(true);
    await page.screenshot({ path: screenshotPath('add-contact-dialog-desktop') });
    await dialog.getByRole('button', { name: 'Add contact' }).click();

    await expectHidden(dialog);
    const added = page.getByTestId('sender-added');
    await expectVisible(added.getByText('2 earlier messages with karin.lund@nordic-widgets.test in your mailbox.'));
    expect(await added.getByRole('link', { name: 'Review and archive' }).getAttribute('href')).toMatch(/^\/inbox\/not-archived\?contact=[0-9a-f-]{36}$/);
    await expectHidden(page.getByTestId('unknown-sender'));

    const [karin] = await findContactsByAddresses(app.db, user, ['karin.lund@nordic-widgets.test']);
    expect(karin).toMatchObject({ name: 'Karin Lund', companyName: 'Nordic Widgets AB' });
    // Known now: the other message from her has no banner.
    await openMessage('Earlier widget question');
    await expectVisible(page.getByTestId('message-view'));
    expect(await page.getByTestId('unknown-sender').count()).toBe(0);
  });

  it('creates the company on the spot from the domain, named after it', async () => {
    await openMessage('Fresh start');
    await page.getByTestId('unknown-sender').getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add to the CRM' });
    expect(await dialog.getByRole('radio', { name: 'Create a new company for fresh-start.test' }).isChecked()).toBe(true);
    expect(await dialog.getByLabel('Name of the new company').inputValue()).toBe('Fresh Start');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await expectVisible(page.getByTestId('sender-added'));
    await expectHidden(page.getByTestId('unknown-sender'));
    const [stina] = await findContactsByAddresses(app.db, user, ['stina@fresh-start.test']);
    expect(stina).toMatchObject({ name: 'Stina Start', companyName: 'Fresh Start' });
    expect((await getCompany(app.db, user, stina!.companyId!))?.domains).toEqual(['fresh-start.test']);
  });

  it('never suggests a company for a free-mail sender, on a phone too', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await openMessage('Private hello');
      const banner = page.getByTestId('unknown-sender');
      await expectVisible(banner.getByText('<pelle.privat@gmail.com>'));
      expect(await banner.getByText(/Might work at/).count()).toBe(0);
      expect(await noSidewaysScroll(page)).toBe(true);
      await page.screenshot({ path: screenshotPath('unknown-sender-banner-phone') });

      await banner.getByRole('button', { name: 'Add contact' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add to the CRM' });
      await expectVisible(dialog.getByText('gmail.com is a free e-mail service'));
      expect(await dialog.getByRole('radio', { name: /Create a new company/ }).count()).toBe(0);
      expect(await dialog.getByRole('radio', { name: 'No company' }).isChecked()).toBe(true);
      expect(await noSidewaysScroll(page)).toBe(true);
      await page.screenshot({ path: screenshotPath('add-contact-dialog-phone') });
      await dialog.getByRole('button', { name: 'Add contact' }).click();
      await expectVisible(page.getByTestId('sender-added'));
      const [pelle] = await findContactsByAddresses(app.db, user, ['pelle.privat@gmail.com']);
      expect(pelle).toMatchObject({ name: 'Pelle Privat', companyId: null });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('adds the address to an existing contact, and the contact page offers its earlier mail after an edit', async () => {
    await openMessage('My new address');
    await page.getByTestId('unknown-sender').getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add to the CRM' });
    await dialog.getByRole('radio', { name: 'Add this address to an existing contact' }).click();
    await dialog.getByLabel('Find a contact').fill('Olsson');
    await dialog.getByRole('option', { name: /Olle Olsson/ }).click();
    await dialog.getByRole('button', { name: 'Add address' }).click();
    await expectVisible(page.getByTestId('sender-added').getByText('olle.o@newjob.test was added to Olle Olsson.'));
    await expectHidden(page.getByTestId('unknown-sender'));
    const [olle] = await findContactsByAddresses(app.db, user, ['olle.o@newjob.test']);
    expect((await getContact(app.db, user, olle!.contactId))?.emails.map((email) => [email.address, email.isPrimary])).toEqual([
      ['olle@olsson.test', true],
      ['olle.o@newjob.test', false],
    ]);

    // The contact form: a contact created with an address that has mail is offered it on its page.
    await page.goto(`${app.baseUrl}/contacts/new`);
    await page.getByLabel('First name').fill('Karin');
    await page.getByLabel('Last name').fill('Second');
    await page.getByLabel('E-mail 1').fill('Karin.Lund@nordic-widgets.test');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}\?added=/);
    const notice = page.getByTestId('earlier-mail-notice');
    await expectVisible(notice.getByText('2 earlier messages with karin.lund@nordic-widgets.test in your mailbox.'));
    expect(await notice.getByRole('link', { name: 'Review and archive' }).getAttribute('href')).toMatch(/^\/inbox\/not-archived\?contact=/);
    // Not on a later visit.
    const contactUrl = page.url().replace(/\?.*$/, '');
    await page.goto(contactUrl);
    expect(await page.getByTestId('earlier-mail-notice').count()).toBe(0);

    // An edit that adds an address is offered that address's mail only (an address may be on several contacts).
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByLabel('E-mail 2').fill('olle.o@newjob.test');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\?added=/);
    await expectVisible(page.getByTestId('earlier-mail-notice').getByText('1 earlier message with olle.o@newjob.test in your mailbox.'));
    // An edit that adds nothing offers nothing.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Job title').fill('Buyer');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => url.href === contactUrl);
    expect(await page.getByTestId('earlier-mail-notice').count()).toBe(0);
  });
});
