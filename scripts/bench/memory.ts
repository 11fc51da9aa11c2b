import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { openPostgres, type Database } from '@/db/client';
import { mailMessages } from '@/db/schema';
import { saveMailAccount, getMailAccount } from '@/lib/mail/account';
import { createUser } from '@/lib/users/service';
import { ensureBuilt, startApp } from '../../tests/harness/app-server';
import { deliverToMaildir, type MailServers, type MailUser } from '../../tests/harness/mail-servers';
import type { TestPostgres } from '../../tests/harness/postgres';
import { bundleCommand } from '../bundle-command.mjs';
import { runMeasured } from './processes';
import { mebibytesFromKib, seconds, section } from './report';
import type { ResourceReport } from './resource-report';

/**
 * Memory on the paths other than `mail:import`: `mail:connect` (bundled, as `npm run mail:connect`
 * runs it) connecting a mailbox whose INBOX holds the benchmark's messages and importing it, and the
 * built standalone web server importing a newly connected mailbox of the same size through its cron
 * route, with its VmRSS sampled from /proc while it works.
 */

export const CONNECT_USER: MailUser = { email: 'connect@example.test', password: 'connect-secret-1' };
export const SERVER_USER: MailUser = { email: 'server@example.test', password: 'server-secret-1' };

export interface MemoryResult {
  rows: { measurement: string; value: string; note: string }[];
  failures: string[];
}

/**
 * Gives `user` an INBOX with the same messages as `sourceFolder` of `sourceMaildir`, as hard links
 * (instant, no extra disk), after one delivery that creates the Maildir with the right owner.
 */
export async function copyFolderIntoInbox(servers: MailServers, sourceMaildir: string, sourceFolder: string, user: MailUser): Promise<number> {
  const target = servers.maildirFor(user.email);
  await deliverToMaildir(target, ['From: a@example.test', `To: ${user.email}`, 'Subject: first', `Message-ID: <${crypto.randomUUID()}@example.test>`, '', 'x', ''].join('\r\n'), {
    folder: 'INBOX',
    flags: '',
  });
  let linked = 0;
  for (const part of ['cur', 'new']) {
    const from = path.join(sourceMaildir, `.${sourceFolder}`, part);
    if (!fs.existsSync(from)) continue;
    for (const name of fs.readdirSync(from)) {
      fs.linkSync(path.join(from, name), path.join(target, 'cur', name.includes(':2,') ? name : `${name}:2,`));
      linked++;
    }
  }
  return linked + 1;
}

async function storedFor(db: Database, accountId: string): Promise<number> {
  const [row] = await db.select({ value: count() }).from(mailMessages).where(eq(mailMessages.accountId, accountId));
  return row?.value ?? 0;
}

function readVmRssKib(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function measureConnectCommand(
  context: { repoRoot: string; workDir: string; databaseUrl: string; db: Database; servers: MailServers },
  expected: number,
): Promise<MemoryResult> {
  section(`npm run mail:connect (bundled) on a ${expected}-message INBOX`);
  const rows: MemoryResult['rows'] = [];
  const failures: string[] = [];
  const owner = await createUser(context.db, { name: 'Connect', email: 'connect-owner@crm.test', password: 'connect owner password 1', role: 'member' });
  const reportFile = path.join(context.workDir, 'connect-resources.json');
  const [command, resourceReport] = await Promise.all([bundleCommand('scripts/mail-connect.ts'), bundleCommand('scripts/bench/resource-report.ts')]);
  const server = `${context.servers.host}:${context.servers.imapPlainPort}`;
  const run = await runMeasured(
    process.execPath,
    [
      '--import',
      pathToFileURL(resourceReport).href,
      command,
      '--user',
      'connect-owner@crm.test',
      '--email',
      CONNECT_USER.email,
      '--imap',
      server,
      '--imap-ssl',
      'off',
      '--smtp',
      `${context.servers.host}:${context.servers.smtpPlainPort}`,
      '--smtp-ssl',
      'off',
    ],
    {
      cwd: context.repoRoot,
      // The whole first import in this one run, so its peak is the whole import's.
      env: { ...process.env, DATABASE_URL: context.databaseUrl, BENCH_RESOURCE_REPORT_FILE: reportFile, IMPORT_TIME_BUDGET_SECONDS: '3600' },
      stdin: `${CONNECT_USER.password}\n`,
      onStderrLine: (line) => console.log(`  mail:connect stderr: ${line.slice(0, 300)}`),
    },
  );
  const account = await getMailAccount(context.db, owner.id);
  const stored = account ? await storedFor(context.db, account.id) : 0;
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ResourceReport) : undefined;
  const peak = report ? mebibytesFromKib(report.maxRssKib) : `${mebibytesFromKib(run.polledPeakRssKib)} (polled)`;
  console.log(`mail:connect: exit ${run.exitCode}, ${stored}/${expected} messages in ${seconds(run.wallMs)}; peak RSS ${peak}`);
  if (run.exitCode !== 0) failures.push(`mail:connect exited with ${run.exitCode}: ${run.stderr.slice(0, 300)}`);
  if (stored !== expected) failures.push(`mail:connect stored ${stored} of ${expected} messages`);
  rows.push({ measurement: 'mail:connect (bundled): peak RSS', value: peak, note: `target ≤ 250 MB; ${stored}/${expected} msgs in ${seconds(run.wallMs)}` });
  return { rows, failures };
}

export async function measureServerRss(
  context: { postgres: TestPostgres; servers: MailServers },
  expected: number,
): Promise<MemoryResult> {
  section(`The web server importing a newly connected ${expected}-message mailbox (cron route)`);
  const rows: MemoryResult['rows'] = [];
  const failures: string[] = [];
  await ensureBuilt();
  const databaseUrl = await context.postgres.createDatabase('server');
  const handle = await openPostgres(databaseUrl, { migrate: true });
  const cronSecret = crypto.randomBytes(24).toString('base64url');
  const app = await startApp({
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: process.env.AUTH_SECRET!,
    MAIL_ENCRYPTION_KEY: process.env.MAIL_ENCRYPTION_KEY!,
    CRON_SECRET: cronSecret,
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    NUMBER_OF_DAYS_TO_DOWNLOAD: process.env.NUMBER_OF_DAYS_TO_DOWNLOAD ?? '3650',
    // Only the cron calls below import: no timer, no IDLE.
    IMPORT_INTERVAL_SECONDS: '0',
    IMAP_IDLE_MAX_ACCOUNTS: '0',
    LOG_LEVEL: 'warn',
  });
  try {
    const pid = app.pid!;
    for (let warm = 0; warm < 5; warm++) await fetch(`${app.baseUrl}/api/health`);
    // Settle after start-up (database warm-up, first requests) before the baseline.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const baselineKib = readVmRssKib(pid) ?? 0;
    const owner = await createUser(handle.db, { name: 'Server', email: 'server-owner@crm.test', password: 'server owner password 1', role: 'member' });
    const settings = { host: context.servers.host, port: context.servers.imapPlainPort, tls: 'none' as const, username: SERVER_USER.email, password: SERVER_USER.password };
    const account = await saveMailAccount(handle.db, owner.id, { emailAddress: SERVER_USER.email, displayName: 'Server', imap: settings, smtp: { ...settings, port: context.servers.smtpPlainPort }, source: 'manual' });
    let peakKib = baselineKib;
    const sampler = setInterval(() => (peakKib = Math.max(peakKib, readVmRssKib(pid) ?? 0)), 100);
    const started = performance.now();
    let calls = 0;
    try {
      for (;;) {
        calls++;
        const response = await fetch(`${app.baseUrl}/api/cron/import`, { method: 'POST', headers: { authorization: `Bearer ${cronSecret}` } });
        const body = (await response.json()) as { workRemaining?: boolean };
        if (!response.ok) throw new Error(`the cron route answered ${response.status}`);
        console.log(`  cron call ${calls}: ${await storedFor(handle.db, account.id)}/${expected} imported, RSS ${mebibytesFromKib(readVmRssKib(pid) ?? 0)}`);
        if (!body.workRemaining || calls >= 10) break;
      }
    } finally {
      clearInterval(sampler);
    }
    const stored = await storedFor(handle.db, account.id);
    const growthKib = peakKib - baselineKib;
    console.log(
      `Server RSS: ${mebibytesFromKib(baselineKib)} before, peak ${mebibytesFromKib(peakKib)} during the import → grew ${mebibytesFromKib(growthKib)}; ` +
        `${stored}/${expected} messages in ${calls} cron calls, ${seconds(performance.now() - started)}`,
    );
    if (stored !== expected) failures.push(`the server imported ${stored} of ${expected} messages`);
    rows.push({
      measurement: 'web server RSS growth, first import',
      value: mebibytesFromKib(growthKib),
      note: `target ≤ 150 MB; ${mebibytesFromKib(baselineKib)} → peak ${mebibytesFromKib(peakKib)}; ${stored}/${expected} msgs, ${calls} cron calls`,
    });
  } finally {
    await app.stop();
    await handle.close();
  }
  return { rows, failures };
}
