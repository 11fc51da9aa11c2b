import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. The machine has no network but loopback: without the
 * background-networking flags Chromium keeps trying to reach Google's services.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run scripts/ensure-system-packages.sh (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: 'en-US', ...options });
}

/** Saves a screenshot under .test-output/screenshots for a person to look at after the run. */
export function screenshotPath(name: string): string {
  const dir = path.join(process.cwd(), '.test-output', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}


/** playwright-core has no web-first assertions: these wait like they do, then fail with a readable message. */
export async function expectVisible(locator: Locator, timeout = 15_000): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (error) {
    throw new Error(`expected ${locator} to be visible`, { cause: error });
  }
}

export async function expectHidden(locator: Locator, timeout = 15_000): Promise<void> {
  try {
    await locator.waitFor({ state: 'hidden', timeout });
  } catch (error) {
    throw new Error(`expected ${locator} to be hidden`, { cause: error });
  }
}

/** Answers the question a user gets at their first sign-in (how e-mail addresses open). */
export async function answerEmailClientQuestion(page: Page, choice: 'CRM Inbox' | 'Default mail app' = 'CRM Inbox'): Promise<void> {
  const question = page.getByRole('dialog', { name: 'How should e-mail links open?' });
  await expectVisible(question);
  await question.getByRole('button', { name: choice }).click();
  await expectHidden(question);
}

/**
 * Connects a test mailbox from the Inbox's first screen: the address and password first; detection
 * fails for the test domains, so the manual form then takes the harness's servers with SSL on.
 */
export async function connectMailboxManually(
  page: Page,
  servers: { host: string; imapTlsPort: number; smtpTlsPort: number },
  mailbox: { email: string; password: string },
): Promise<void> {
  await page.getByLabel('E-mail address').fill(mailbox.email);
  await page.getByLabel('Password').fill(mailbox.password);
  await page.getByRole('button', { name: 'Connect' }).click();
  const form = page.getByTestId('manual-settings-form');
  await expectVisible(form, 30_000);
  for (const [protocol, port] of [['imap', servers.imapTlsPort], ['smtp', servers.smtpTlsPort]] as const) {
    const section = page.getByTestId(`${protocol}-settings`);
    await section.getByLabel(/server$/).fill(`${servers.host}:${port}`);
    await section.getByRole('checkbox').check();
  }
  await form.getByRole('button', { name: 'Connect' }).click();
}
