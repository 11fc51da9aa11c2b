import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { User } from '@/db/schema';
import { listCompanies } from '@/lib/crm/companies';
import { listContacts } from '@/lib/crm/contacts';
import { listProjects } from '@/lib/crm/projects';
import { listSales } from '@/lib/crm/sales';
import { seedDemoCrm } from '@/lib/crm/seed';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser, setUserActive } from '@/lib/users/service';
import { expectVisible, launchChromium, newContext, screenshotPath } from '../harness/browser';
import { startBrowserTestApp, type BrowserTestApp } from '../harness/browser-app';

const seller = { name: 'Sara Seller', email: 'sara@crm.test', password: 'sara seller password' };
const leaver = { name: 'Leo Leaver', email: 'leo@crm.test', password: 'leo leaver password' };

let browser: Browser;
let app: BrowserTestApp;
let sara: User;
let leo: User;

async function signedInPage(user: { email: string; password: string }, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await newContext(browser, { viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 })).newPage();
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/inbox$/);
  return page;
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startBrowserTestApp()]);
  app.neverLog(seller.password, leaver.password);
  sara = await createUser(app.db, { ...seller, role: 'admin' });
  leo = await createUser(app.db, { ...leaver, role: 'member' });
  for (const user of [sara, leo]) await updatePreferences(app.db, user.id, { emailClient: 'crm' });
  await seedDemoCrm(app.db, sara);
});

afterAll(async () => {
  await Promise.all([browser?.close(), app?.stop()]);
});

describe('CRM records in the browser', () => {
  it('creates, edits, notes and deletes a company, and finds it by searching as you type', async () => {
    const page = await signedInPage(seller);
    await page.goto(`${app.baseUrl}/companies/new`);
    await page.getByLabel('Name', { exact: true }).fill('Ödegårds Kaffe AB');
    await page.getByLabel('E-mail domains').fill('odegard.example, https://www.kaffe.example/');
    await page.getByLabel('City').fill('Örebro');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/companies\/[0-9a-f-]{36}$/);
    await expectVisible(page.getByRole('heading', { name: 'Ödegårds Kaffe AB' }));
    await expectVisible(page.getByText('kaffe.example, odegard.example'));

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expectVisible(page.getByText('Enter a name.'));
    await page.getByLabel('Name', { exact: true }).fill('Ödegårds Kafferosteri AB');
    await page.getByRole('button', { name: 'Save' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Ödegårds Kafferosteri AB' }));

    await page.getByPlaceholder('What happened?').fill('Tasted the new espresso blend.');
    await page.getByRole('button', { name: 'Add a note' }).click();
    await expectVisible(page.getByText('Tasted the new espresso blend.'));
    await page.getByRole('link', { name: 'Notes' }).click();
    await page.waitForURL(/kind=note_added/);
    expect(await page.getByTestId('timeline-entries').locator('li').count()).toBe(1);

    await page.goto(`${app.baseUrl}/companies`);
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('odegards kaffe');
    await page.waitForURL(/q=odegards/);
    await expectVisible(page.getByRole('link', { name: 'Ödegårds Kafferosteri AB' }).first());
    await page.getByRole('link', { name: 'Ödegårds Kafferosteri AB' }).first().click();

    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await expectVisible(dialog.getByText('What should happen to them?'));
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/companies$/);
    expect((await listCompanies(app.db, sara, { search: 'kafferosteri' })).items).toHaveLength(0);
  });

  it('creates a contact with two addresses and flags the one another contact has', async () => {
    const page = await signedInPage(seller);
    await page.goto(`${app.baseUrl}/contacts/new`);
    await page.getByLabel('First name').fill('Greta');
    await page.getByLabel('Last name').fill('Gård');
    await page.getByRole('combobox', { name: 'Company' }).fill('volvo');
    await page.getByRole('listbox').getByRole('option').first().click();
    await page.getByLabel('E-mail 1').fill('Greta.Gard@Volvo.example');
    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByLabel('E-mail 2').fill('INFO@volvo.example');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    await expectVisible(page.getByRole('heading', { name: 'Greta Gård' }));
    await expectVisible(page.getByRole('link', { name: 'greta.gard@volvo.example' }));
    await expectVisible(page.getByTestId('shared-address'));
    // Addresses open the composer (the user's Local setting).
    expect(await page.getByRole('link', { name: 'greta.gard@volvo.example' }).getAttribute('href')).toBe('/inbox/compose?to=greta.gard%40volvo.example');
    await page.screenshot({ path: screenshotPath('crm-contact-detail-desktop'), fullPage: true });
  });

  it('creates a project with a company taking part, and a sale whose stage changes are recorded', async () => {
    const page = await signedInPage(seller);
    await page.goto(`${app.baseUrl}/projects/new`);
    await page.getByLabel('Name', { exact: true }).fill('Kaffeautomater Göteborg');
    await page.getByLabel('Status').selectOption('in_progress');
    await page.getByRole('combobox', { name: 'Companies taking part' }).fill('hamn');
    await page.getByRole('listbox').getByRole('option').first().click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    await expectVisible(page.getByRole('link', { name: 'Göteborgs Hamn AB' }));

    await page.goto(`${app.baseUrl}/sales/new`);
    await page.getByLabel('Title').fill('Espresso machines');
    await page.getByLabel('Amount').fill('12 500,50');
    await page.getByLabel('Currency').fill('sek');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/sales\/[0-9a-f-]{36}$/);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(/\/edit$/);
    await page.getByLabel('Stage', { exact: true }).selectOption('proposal');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/sales\/[0-9a-f-]{36}$/);
    await expectVisible(page.getByText('Lead → Proposal'));
    await expectVisible(page.getByText('Sara Seller moved it from Lead to Proposal'));
    const [sale] = (await listSales(app.db, sara, { search: 'espresso' })).items;
    expect(sale).toMatchObject({ amount: '12500.50', currency: 'SEK', stage: 'proposal', probability: 50 });
  });

  it('refuses the later of two edits of the same record with a clear message', async () => {
    const [company] = (await listCompanies(app.db, sara, { search: 'acme' })).items;
    const first = await signedInPage(seller);
    const second = await signedInPage(seller);
    for (const page of [first, second]) await page.goto(`${app.baseUrl}/companies/${company!.id}/edit`);
    await first.getByLabel('City').fill('Evanston');
    await first.getByRole('button', { name: 'Save' }).click();
    await first.waitForURL(/\/companies\/[0-9a-f-]{36}$/);
    await second.getByLabel('City').fill('Springfield');
    await second.getByRole('button', { name: 'Save' }).click();
    await expectVisible(second.getByText('Someone else saved this record after you opened it.'));
    await second.screenshot({ path: screenshotPath('crm-version-conflict') });
    await first.goto(`${app.baseUrl}/companies/${company!.id}`);
    await expectVisible(first.getByText('Evanston'));
  });

  it('searches every kind of record from the top bar, grouped', async () => {
    const page = await signedInPage(seller);
    await page.getByRole('searchbox', { name: 'Search the CRM' }).fill('goteborg');
    const results = page.getByTestId('global-search-results');
    await expectVisible(results.getByRole('region', { name: 'Companies' }));
    await expectVisible(results.getByRole('link', { name: /^Göteborgs Hamn AB/ }).first());
    await page.screenshot({ path: screenshotPath('crm-global-search') });
    await page.getByRole('searchbox', { name: 'Search the CRM' }).press('Enter');
    await page.waitForURL(/\/search\?q=goteborg/);
    await expectVisible(page.getByRole('heading', { name: 'Projects' }));
  });

  it('shows every list and detail page on a 375 px phone as cards, with nothing scrolling sideways', async () => {
    const page = await signedInPage(seller, { width: 375, height: 812 });
    const ids = {
      companies: (await listCompanies(app.db, sara, { limit: 1 })).items[0]!.id,
      contacts: (await listContacts(app.db, sara, { search: 'info' })).items[0]!.id,
      projects: (await listProjects(app.db, sara, { limit: 1 })).items[0]!.id,
      sales: (await listSales(app.db, sara, { limit: 1 })).items[0]!.id,
    };
    for (const [section, id] of Object.entries(ids)) {
      await page.goto(`${app.baseUrl}/${section}`);
      await expectVisible(page.getByTestId('record-cards'));
      expect(await noSidewaysScroll(page), `/${section} scrolls sideways`).toBe(true);
      await page.screenshot({ path: screenshotPath(`crm-${section}-list-phone`), fullPage: true });
      for (const path of [`/${section}/${id}`, `/${section}/${id}/edit`, `/${section}/new`]) {
        await page.goto(`${app.baseUrl}${path}`);
        expect(await noSidewaysScroll(page), `${path} scrolls sideways`).toBe(true);
      }
      await page.goto(`${app.baseUrl}/${section}/${id}`);
      await page.screenshot({ path: screenshotPath(`crm-${section}-detail-phone`), fullPage: true });
    }
    const desktop = await signedInPage(seller);
    for (const [section, id] of Object.entries(ids)) {
      await desktop.goto(`${app.baseUrl}/${section}`);
      await desktop.screenshot({ path: screenshotPath(`crm-${section}-list-desktop`), fullPage: true });
      await desktop.goto(`${app.baseUrl}/${section}/${id}`);
      await desktop.screenshot({ path: screenshotPath(`crm-${section}-detail-desktop`), fullPage: true });
    }
  });

  it('previews a CSV import, saying what will be created and skipped, before importing it', async () => {
    const page = await signedInPage(seller);
    await page.goto(`${app.baseUrl}/companies`);
    await page.getByRole('link', { name: 'Import / export' }).click();
    const csv = 'Namn;Domäner;Ort\r\nBrand Ny AB;brandny.example;Gävle\r\n;;Utan namn\r\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'foretag.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('csv-preview');
    await expectVisible(preview.getByText('Brand Ny AB'));
    await expectVisible(preview.getByText('no name'));
    expect((await listCompanies(app.db, sara, { search: 'brand ny' })).items).toHaveLength(0);
    await page.screenshot({ path: screenshotPath('crm-csv-preview'), fullPage: true });
    await page.getByRole('button', { name: 'Import 1 row' }).click();
    await expectVisible(page.getByText('Imported: 1 created, 0 updated, 1 skipped.'));
    expect((await listCompanies(app.db, sara, { search: 'brand ny' })).items).toHaveLength(1);
    const exported = await page.request.get(`${app.baseUrl}/companies/export`);
    expect(exported.headers()['content-type']).toContain('text/csv');
    expect(await exported.text()).toContain('Brand Ny AB,brandny.example');
  });

  it('shows nothing to signed-out requests or to a deactivated user, whatever the id', async () => {
    const [company] = (await listCompanies(app.db, sara, { limit: 1 })).items;
    const anonymous = await (await newContext(browser)).newPage();
    await anonymous.goto(`${app.baseUrl}/companies/${company!.id}`);
    await anonymous.waitForURL(/\/sign-in/);
    expect(await anonymous.content()).not.toContain(company!.name);

    const page = await signedInPage(leaver);
    await page.goto(`${app.baseUrl}/companies/${company!.id}`);
    await expectVisible(page.getByRole('heading', { name: company!.name }));
    const guessed = await page.goto(`${app.baseUrl}/companies/00000000-0000-4000-8000-000000000000`);
    expect(guessed?.status()).toBe(404);
    await setUserActive(app.db, sara, leo.id, false);
    await page.goto(`${app.baseUrl}/companies/${company!.id}`);
    await page.waitForURL(/\/sign-in/);
    expect(await page.content()).not.toContain(company!.name);
    await setUserActive(app.db, sara, leo.id, true);
  });
});
