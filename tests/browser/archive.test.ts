import crypto from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { companyFieldsSchema, createCompany } from '@/lib/crm/companies';
import { contactFieldsSchema, createContact } from '@/lib/crm/contacts';
import { createSale, saleFieldsSchema } from '@/lib/crm/sales';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { connectMailboxManually, expectHidden, expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';
import { withImapClient } from '../harness/imap-client';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const fiona = servers.users.find((user) => user.email === 'fiona@example.test')!;
const seller = { name: 'Fiona Seller', email: 'fiona.seller@crm.test', password: 'fiona seller password' };
const colleague = { name: 'Carl Colleague', email: 'carl@crm.test', password: 'carl colleague password' };
const run = crypto.randomBytes(4).toString('hex');
const offerPdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(20_000)]);

let browser: Browser;
let app: BrowserTestApp;
let page: Page;
const records = { companyId: '', contactId: '', saleId: '' };

function message(subject: string, options: { id: string; inReplyTo?: string; minutesAgo: number; attachment?: boolean; from?: string }): string {
  const boundary = `b-${run}`;
  const head = [
    `From: ${options.from ?? 'Anna Andersson <anna@acme.test>'}`,
    `To: Fiona <${fiona.email}>`,
    `Subject: ${subject}`,
    `Date: ${new Date(Date.now() - options.minutesAgo * 60_000).toUTCString()}`,
    `Message-ID: <${options.id}-${run}@acme.test>`,
    ...(options.inReplyTo ? [`In-Reply-To: <${options.inReplyTo}-${run}@acme.test>`, `References: <${options.inReplyTo}-${run}@acme.test>`] : []),
    'MIME-Version: 1.0',
  ];
  if (!options.attachment) return [...head, 'Content-Type: text/html; charset=utf-8', '', `<p>About <b>${subject}</b>.</p>`, ''].join('\r\n');
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Our renewal offer is attached.',
    `--${boundary}`,
    'Content-Type: application/pdf; name="offer.pdf"',
    'Content-Disposition: attachment; filename="offer.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    offerPdf.toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

async function serverSource(subject: string): Promise<Buffer> {
  return withImapClient({ host: servers.host, port: servers.imapPlainPort, secure: false, auth: { user: fiona.email, pass: fiona.password } }, async (client) => {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const uids = (await client.search({ subject }, { uid: true })) || [];
    const found = await client.fetchOne(String(uids[0]), { source: true }, { uid: true });
    if (!found || !found.source) throw new Error(`${subject} is not on the server`);
    return found.source;
  });
}

/** Waits for the dialog's confirmation; on failure says what the dialog showed instead (an error, say). */
async function expectArchivedNotice(dialog: Locator, notice: string): Promise<void> {
  try {
    await dialog.getByText(notice).waitFor({ state: 'visible', timeout: 30_000 });
  } catch (error) {
    throw new Error(`the dialog did not say "${notice}"; it showed: ${await dialog.innerText().catch(() => '(gone)')}`, { cause: error });
  }
}

async function signIn(target: Page, who: { email: string; password: string }): Promise<void> {
  await target.goto(`${app.baseUrl}/sign-in`);
  await target.getByLabel('E-mail address').fill(who.email);
  await target.getByLabel('Password').fill(who.password);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.waitForURL(/\/inbox$/);
}

async function openMessage(subject: string): Promise<void> {
  await page.goto(`${app.baseUrl}/inbox`);
  await page.getByTestId('message-list').getByText(subject, { exact: true }).click();
  await expectVisible(page.getByRole('heading', { name: subject }));
}

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(seller.password, colleague.password);
  const user = await createUser(app.db, { ...seller, role: 'member' });
  const other = await createUser(app.db, { ...colleague, role: 'member' });
  await Promise.all([updatePreferences(app.db, user.id, { emailClient: 'crm' }), updatePreferences(app.db, other.id, { emailClient: 'crm' })]);
  const company = await createCompany(app.db, user, companyFieldsSchema.parse({ name: 'Acme AB', domains: 'acme.test' }));
  const contact = await createContact(app.db, user, contactFieldsSchema.parse({ firstName: 'Anna', lastName: 'Andersson', companyId: company.id, emails: ['anna@acme.test'] }));
  const sale = await createSale(app.db, user, saleFieldsSchema.parse({ title: 'Acme renewal', companyId: company.id, contactId: contact.id, amount: '50000', currency: 'SEK', stage: 'proposal', probability: '60' }));
  Object.assign(records, { companyId: company.id, contactId: contact.id, saleId: sale.id });

  const maildir = servers.maildirs[fiona.email]!;
  const deliveries: [string, Parameters<typeof message>[1]][] = [
    ['Renewal offer', { id: 'offer', minutesAgo: 40, attachment: true }],
    ['Question about invoices', { id: 'invoices', minutesAgo: 30 }],
    ['Question about delivery', { id: 'delivery', minutesAgo: 20 }],
    // From someone the CRM does not know yet.
    ['Hello from Nyco', { id: 'nyco', minutesAgo: 15, from: 'Bertil Nyström <bertil@nyco.test>' }],
    // Arrives before the offer is archived, as a reply to it: proposed with its links once it is.
    ['Re: Renewal offer', { id: 'reply', inReplyTo: 'offer', minutesAgo: 10 }],
  ];
  for (const [subject, options] of deliveries) {
    await deliverToMaildir(maildir, message(subject, options), { flags: 'S', receivedAt: new Date(Date.now() - options.minutesAgo * 60_000) });
  }

  page = await (await newContext(browser)).newPage();
  await signIn(page, seller);
  await connectMailboxManually(page, servers, fiona);
  await expectVisible(page.getByTestId('message-list').getByText('Renewal offer', { exact: true }), 45_000);
}, 180_000);

afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('archiving mail into the CRM', () => {
  it('archives mail from a known contact with the suggested links, and the document keeps the original', async () => {
    await openMessage('Renewal offer');
    await page.getByTestId('message-view').getByTestId('archive-button').click();
    const dialog = page.getByTestId('archive-dialog');
    await expectVisible(dialog.getByText('Has the address anna@acme.test'));
    await expectVisible(dialog.getByText('Anna Andersson works here'));
    await expectVisible(dialog.getByText('Open sale with Acme AB'));
    await page.screenshot({ path: screenshotPath('archive-dialog-desktop') });
    // The sure matches (the contact by address, her company) are one keypress away.
    await expect.poll(() => dialog.getByTestId('accept-suggestion').evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expectArchivedNotice(dialog, 'The message is archived.');
    await dialog.getByRole('link', { name: 'Open document' }).click();

    await expectVisible(page.getByTestId('document-page'));
    const links = page.getByTestId('document-links');
    await expectVisible(links.getByRole('link', { name: 'Anna Andersson' }));
    await expectVisible(links.getByRole('link', { name: 'Acme AB' }));
    const href = await page.getByTestId('download-original').getAttribute('href');
    const download = await page.request.get(`${app.baseUrl}${href}`);
    expect(download.status()).toBe(200);
    expect(Buffer.compare(Buffer.from(await download.body()), await serverSource('Renewal offer'))).toBe(0);

    await page.goto(`${app.baseUrl}/companies/${records.companyId}`);
    await expectVisible(page.getByTestId('timeline-document').getByText('Renewal offer'));
    await page.screenshot({ path: screenshotPath('archive-timeline-desktop'), fullPage: true });

    await openMessage('Renewal offer');
    await expectVisible(page.getByTestId('archived-marker').getByText(/Archived by Fiona Seller/));
  });

  it('archives one attachment as its own document, linked to the sale', async () => {
    await openMessage('Renewal offer');
    await page.getByTestId('archive-attachment').click();
    const dialog = page.getByTestId('archive-dialog');
    await dialog.getByRole('checkbox', { name: /Acme renewal/ }).check();
    await dialog.getByTestId('archive-submit').click();
    await expectArchivedNotice(dialog, 'The message is archived.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expectVisible(page.getByTestId('attachment-archived'));

    await page.goto(`${app.baseUrl}/sales/${records.saleId}?kind=document_added`);
    await expectVisible(page.getByTestId('timeline-document').getByText('offer.pdf'));
  });

  it('proposes a reply in an archived conversation with the same links, in one click', async () => {
    await openMessage('Re: Renewal offer');
    const proposal = page.getByTestId('thread-proposal');
    await expectVisible(proposal);
    // Proposed, never filed by itself.
    await expectHidden(page.getByTestId('archived-marker'));
    await proposal.getByTestId('archive-with-links').click();
    await expectVisible(page.getByTestId('archived-marker'));
    await page.goto(`${app.baseUrl}/contacts/${records.contactId}?kind=email_archived`);
    await expectVisible(page.getByTestId('timeline-document').getByText('Re: Renewal offer'));
  });

  it('archives forgotten mail in bulk, "only me" documents staying invisible to a colleague', async () => {
    await page.goto(`${app.baseUrl}/inbox/not-archived`);
    const list = page.getByTestId('not-archived');
    await expectVisible(list.getByText('Question about invoices'));
    await expectVisible(list.getByText('Question about delivery'));
    await expectHidden(list.getByText('Renewal offer', { exact: true }));
    await list.getByRole('checkbox', { name: 'Question about invoices' }).check();
    await list.getByRole('checkbox', { name: 'Question about delivery' }).check();
    await list.getByTestId('archive-selected').click();
    const dialog = page.getByTestId('archive-dialog');
    await expectVisible(dialog.getByText('Archive 2 messages into the CRM'));
    await dialog.getByRole('radio', { name: 'Only me' }).check();
    await dialog.getByRole('checkbox', { name: /^Contact Anna Andersson/ }).check();
    await dialog.getByTestId('archive-submit').click();
    await expectArchivedNotice(dialog, '2 messages are archived.');
    const documentHref = await dialog.getByRole('link', { name: 'Open document' }).getAttribute('href');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.reload();
    await expectVisible(page.getByText('Nothing to archive'));

    const colleaguePage = await (await newContext(browser)).newPage();
    await signIn(colleaguePage, colleague);
    await colleaguePage.goto(`${app.baseUrl}/contacts/${records.contactId}`);
    await expectVisible(colleaguePage.getByTestId('timeline-document').getByText('Renewal offer', { exact: true }));
    expect(await colleaguePage.getByText('Question about invoices').count()).toBe(0);
    const direct = await colleaguePage.goto(`${app.baseUrl}${documentHref}`);
    expect(direct?.status()).toBe(404);
    expect((await colleaguePage.request.get(`${app.baseUrl}/api${documentHref}/file`)).status()).toBe(404);
    const searchFor = `${app.baseUrl}/search?q=${encodeURIComponent('Question about invoices')}`;
    await colleaguePage.goto(searchFor);
    await expectVisible(colleaguePage.getByRole('heading', { level: 1 }));
    expect(await colleaguePage.locator('a[href^="/documents/"]').count()).toBe(0);
    // The owner sees it on the same timeline and in the same search.
    await page.goto(`${app.baseUrl}/contacts/${records.contactId}`);
    await expectVisible(page.getByTestId('timeline-document').getByText('Question about invoices'));
    await page.goto(searchFor);
    await expectVisible(page.locator('a[href^="/documents/"]').getByText('Question about invoices'));
  });

  it('sends and archives from the composer, with the recipient\'s contact ticked', async () => {
    await page.goto(`${app.baseUrl}/inbox/compose`);
    const composer = page.getByTestId('composer');
    await composer.getByLabel('To').fill('anna@acme.test');
    await composer.getByPlaceholder('Subject').fill(`Contract draft ${run}`);
    await composer.getByRole('checkbox', { name: 'Archive in the CRM when sent' }).check();
    await expect.poll(() => composer.getByTestId('archive-on-send').getByRole('checkbox', { name: /Anna Andersson/ }).isChecked(), { timeout: 15_000 }).toBe(true);
    await composer.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(
        async () => {
          await page.goto(`${app.baseUrl}/contacts/${records.contactId}?kind=email_archived`);
          return page.getByTestId('timeline-document').getByText(`Contract draft ${run}`).count();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBe(1);
  });

  it('adds an unknown sender as a contact with a company from the domain, then archives its earlier mail', async () => {
    await openMessage('Hello from Nyco');
    const banner = page.getByTestId('unknown-sender');
    await banner.getByRole('button', { name: 'Add contact' }).click();
    const addDialog = page.getByRole('dialog', { name: 'Add to the CRM' });
    expect(await addDialog.getByRole('radio', { name: 'Create a new company for nyco.test' }).isChecked()).toBe(true);
    await addDialog.getByRole('button', { name: 'Add contact' }).click();
    const added = page.getByTestId('sender-added');
    await added.getByRole('link', { name: 'Review and archive' }).click();

    const list = page.getByTestId('not-archived');
    await list.getByRole('checkbox', { name: 'Hello from Nyco' }).check();
    await list.getByTestId('archive-selected').click();
    const dialog = page.getByTestId('archive-dialog');
    await expectVisible(dialog.getByText('Has the address bertil@nyco.test'));
    await expectVisible(dialog.getByText('Bertil Nyström works here'));
    await dialog.getByTestId('accept-suggestion').click();
    await expectArchivedNotice(dialog, 'The message is archived.');
    await dialog.getByRole('link', { name: 'Open document' }).click();
    const links = page.getByTestId('document-links');
    await expectVisible(links.getByRole('link', { name: 'Bertil Nyström' }));
    await expectVisible(links.getByRole('link', { name: 'Nyco' }));
  });

  it('works at phone width: the dialog and the timeline fit 375 px', async () => {
    const phone = await (await newContext(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })).newPage();
    await signIn(phone, seller);
    await phone.getByTestId('message-list').getByText('Question about delivery', { exact: true }).click();
    await phone.getByTestId('message-view').getByTestId('archive-button').click();
    await expectVisible(phone.getByTestId('archive-dialog').getByText('Already archived', { exact: false }));
    await phone.screenshot({ path: screenshotPath('archive-dialog-phone') });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await phone.keyboard.press('Escape');
    await phone.goto(`${app.baseUrl}/companies/${records.companyId}`);
    await expectVisible(phone.getByTestId('timeline-document').first());
    await phone.screenshot({ path: screenshotPath('archive-timeline-phone'), fullPage: true });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('the document still opens and its original downloads after the mail account is removed', async () => {
    await openMessage('Renewal offer');
    const documentHref = await page.getByTestId('archived-marker').getByRole('link', { name: 'Open document' }).getAttribute('href');
    const original = await serverSource('Renewal offer');
    await page.goto(`${app.baseUrl}/settings/email`);
    await page.getByRole('button', { name: 'Remove account' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await expectHidden(page.getByRole('button', { name: 'Yes, remove' }), 30_000);
    await page.goto(`${app.baseUrl}${documentHref}`);
    await expectVisible(page.getByTestId('document-page'));
    const download = await page.request.get(`${app.baseUrl}/api${documentHref}/file`);
    expect(Buffer.compare(Buffer.from(await download.body()), original)).toBe(0);
  });
});
