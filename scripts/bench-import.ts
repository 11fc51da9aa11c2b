// npm run bench:import   (root needed: throw-away Dovecot/Postfix and Postgres; see docs/benchmarks.md)
//
// Measures the mail importer against a generated mailbox and prints the figures (it asserts nothing
// but the counts): the initial import (in a child process, for its peak RSS), isync's mbsync pulling
// the same folder as the reference, no-change passes, a 100k-message folder, and a pass after changes.
//
//   BENCH_MESSAGES=10000       messages in the "Bench" folder (≈ 85 kB each on average: 850 MB at 10k)
//   BENCH_BIG_MESSAGES=100000  tiny messages in the "BigBench" folder; 0 skips that part
//   BENCH_SEED=20250601        the generated mailbox is the same for the same seed and counts
//   BENCH_CPU_PROFILE=1        also profile the imports (node --cpu-prof) and print where the time went
//   BENCH_ACCOUNTS=1000        mailboxes behind a proxy adding 100 ms round-trip time: one no-change round
//                              over all of them, and delivery-to-visible with IMAP IDLE; 0 skips that part
//   BENCH_MEMORY=1             peak RSS of the bundled `mail:connect` on a BENCH_MESSAGES INBOX, and the
//                              built web server's RSS while it imports one through its cron route; 0 skips
import './bench/environment';
import { type ChildProcess , execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { and, count, eq } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { openPostgres, type Database, type DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailFolders, mailMessages, type MailAccount } from '@/db/schema';
import { saveMailAccount } from '@/lib/mail/account';
import { runImportPass, type ImportSummary } from '@/lib/mail/sync';
import { createUser } from '@/lib/users/service';
import { deliverToMaildir, startMailServers, type MailServers, type MailUser } from '../tests/harness/mail-servers';
import { withImapClient } from '../tests/harness/imap-client';
import { startPostgres, type TestPostgres } from '../tests/harness/postgres';
import { generateBenchCorpus, generateTinyMessage, type GeneratedMessage, type Mailbox } from './bench/corpus';
import { readBusiestCpuProfile, summarizeCpuProfile } from './bench/cpu-profile';
import { commandVerbs, recordImapCommands } from './bench/imap-commands';
import { manyMailUsers, measureManyAccounts } from './bench/many-accounts';
import { runMbsync } from './bench/mbsync';
import { CONNECT_USER, copyFolderIntoInbox, measureConnectCommand, measureServerRss, SERVER_USER } from './bench/memory';
import { findProcess, loadAverage, processTreeCpuSeconds, runMeasured } from './bench/processes';
import { SeededRandom } from './bench/random';
import {
  mebibytesFromKib,
  median,
  megabytes,
  megabytesPerSecond,
  milliseconds,
  perSecond,
  seconds,
  section,
  table,
} from './bench/report';
import type { ResourceReport } from './bench/resource-report';
import { bundleCommand } from './bundle-command.mjs';

const BENCH_FOLDER = 'Bench';
const BIG_FOLDER = 'BigBench';
/** 850 MB for the default 10 000 messages; the total scales with the count. */
const AVERAGE_MESSAGE_BYTES = 85_000;
const SPAN_DAYS = 300;
const NO_CHANGE_REPETITIONS = 5;
const CHANGED_MESSAGES = 100;
const DELIVERY_CONCURRENCY = 16;
const BENCH_USER: MailUser = { email: 'bench@example.test', password: 'bench-secret-1' };
const RECIPIENT: Mailbox = { name: 'Bench User', address: BENCH_USER.email };

interface Settings {
  messages: number;
  bigMessages: number;
  seed: number;
  cpuProfile: boolean;
  accounts: number;
  memory: boolean;
}

function readSettings(): Settings {
  const whole = (name: string, fallback: number, min: number): number => {
    const text = process.env[name]?.trim();
    if (!text) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${text}"`);
    return Number(text);
  };
  return {
    messages: whole('BENCH_MESSAGES', 10_000, 1),
    bigMessages: whole('BENCH_BIG_MESSAGES', 100_000, 0),
    seed: whole('BENCH_SEED', 20_250_601, 0),
    cpuProfile: ['1', 'true', 'yes'].includes(process.env.BENCH_CPU_PROFILE ?? ''),
    accounts: whole('BENCH_ACCOUNTS', 1000, 0),
    memory: !['0', 'false', 'no'].includes(process.env.BENCH_MEMORY ?? ''),
  };
}

/** Undo steps, run newest first, each on its own so one failure does not leave the rest behind. */
class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  add(label: string, run: () => Promise<void> | void): void {
    this.steps.push({ label, run });
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.label} failed: ${errorText(error)}`);
        }
      }
    })();
    return this.running;
  }
}

/** One line of the final table. */
interface SummaryRow {
  measurement: string;
  value: string;
  note: string;
}

interface BenchContext {
  settings: Settings;
  repoRoot: string;
  workDir: string;
  postgres: TestPostgres;
  servers: MailServers;
  handle: DatabaseHandle;
  databaseUrl: string;
  account: MailAccount;
  maildir: string;
  summary: SummaryRow[];
  failures: string[];
  /** Set once measured: mbsync's figure is compared with it. */
  initialImport: { wallMs: number } | undefined;
}

async function main(): Promise<number> {
  const settings = readSettings();
  const repoRoot = process.cwd();
  if (!fs.existsSync(path.join(repoRoot, 'scripts', 'mail-import.ts'))) {
    throw new Error('Run from the repository root (npm run bench:import does).');
  }
  const cleanup = new Cleanup();
  let runningChild: ChildProcess | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up…`);
    runningChild?.kill('SIGKILL');
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    printMachine(settings);
    section('Setup');
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-'));
    cleanup.add('removing the work dir', () => fs.rmSync(workDir, { recursive: true, force: true }));
    const postgres = await startPostgres();
    cleanup.add('stopping Postgres', () => postgres.stop());
    const manyUsers = manyMailUsers(settings.accounts);
    const servers = await startMailServers({ users: [BENCH_USER, CONNECT_USER, SERVER_USER, ...manyUsers] });
    cleanup.add('stopping the mail servers', () => servers.stop());
    const databaseUrl = await postgres.createDatabase('bench');
    // lib/env.ts has not been read yet (nothing called env()); the in-process passes and the child agree on the database.
    process.env.DATABASE_URL = databaseUrl;
    const handle = await openPostgres(databaseUrl, { migrate: true });
    cleanup.add('closing the database connection', () => handle.close());
    const account = await createBenchAccount(handle.db, servers);
    console.log(`Postgres on port ${postgres.port} (fsync off, as in the tests); Dovecot ${dovecotVersion()} on the PLAIN port ${servers.imapPlainPort}.`);
    console.log('Our importer and mbsync both talk plain IMAP (no TLS, AUTH PLAIN) to the same Dovecot on loopback, so neither pays for TLS.');

    const context: BenchContext = {
      settings,
      repoRoot,
      workDir,
      postgres,
      servers,
      handle,
      databaseUrl,
      account,
      maildir: servers.maildirFor(BENCH_USER.email),
      summary: [],
      failures: [],
      initialImport: undefined,
    };
    // The child process running right now, killed when the benchmark is interrupted.
    const track = (child: ChildProcess) => {
      runningChild = child;
    };

    const generated = await generateBenchFolder(context);
    await measureInitialImport(context, generated, track);
    await measureMbsync(context, generated, track);
    await measureNoChangePasses(context, `no-change pass, ${BENCH_FOLDER} (${settings.messages} msgs)`);
    if (settings.bigMessages > 0) {
      await generateAndImportBigFolder(context, track);
      await measureNoChangePasses(context, `no-change pass, ${BENCH_FOLDER} + ${BIG_FOLDER} (${settings.messages + settings.bigMessages} msgs)`);
    } else {
      console.log(`\nBENCH_BIG_MESSAGES=0: the ${BIG_FOLDER} part is skipped.`);
    }
    await measurePassAfterChanges(context);
    if (settings.memory) {
      const inboxMessages = await copyFolderIntoInbox(servers, context.maildir, BENCH_FOLDER, CONNECT_USER);
      await copyFolderIntoInbox(servers, context.maildir, BENCH_FOLDER, SERVER_USER);
      for (const part of [
        await measureConnectCommand({ repoRoot, workDir, databaseUrl, db: handle.db, servers }, inboxMessages),
        await measureServerRss({ postgres, servers }, inboxMessages),
      ]) {
        context.summary.push(...part.rows);
        context.failures.push(...part.failures);
      }
    } else {
      console.log('\nBENCH_MEMORY=0: mail:connect and the web server are not measured.');
    }
    if (settings.accounts > 0) {
      const many = await measureManyAccounts(handle.db, servers, manyUsers);
      context.summary.push(...many.rows);
      context.failures.push(...many.failures);
    } else {
      console.log('\nBENCH_ACCOUNTS=0: the many-mailboxes part is skipped.');
    }

    section('Summary');
    console.log(table(['Measurement', 'Value', 'Note'], context.summary.map((row) => [row.measurement, row.value, row.note])));
    console.log(
      `\nLoad average at the end: ${loadAverage()} on ${os.cpus().length} cores. On a machine shared with other work (test runs), ` +
        'wall times move by 20 % or more between runs; the CPU seconds are steadier.',
    );
    if (context.failures.length > 0) {
      console.error(`\nFAILED checks:\n${context.failures.map((failure) => `  - ${failure}`).join('\n')}`);
      return 1;
    }
    return 0;
  } finally {
    section('Cleanup');
    await cleanup.runAll();
    console.log('Servers, Postgres and temp dirs are gone.');
  }
}

// ---------------------------------------------------------------------------------------------
// Setup

function printMachine(settings: Settings): void {
  section('Machine');
  const cpus = os.cpus();
  console.log(`${new Date().toISOString()}  ${os.hostname()}`);
  console.log(`CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}; RAM ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Linux ${os.release()}; Node ${process.version}`);
  console.log(`Load average at the start: ${loadAverage()} (on a shared machine, other people's test runs compete for the cores)`);
  console.log(`Tools: ${versionOf('mbsync', ['--version'])}; ${versionOf(postgresBinary(), ['--version'])}`);
  console.log(
    `Settings: BENCH_MESSAGES=${settings.messages} (≈ ${megabytes(settings.messages * AVERAGE_MESSAGE_BYTES)}), BENCH_BIG_MESSAGES=${settings.bigMessages}, ` +
      `BENCH_SEED=${settings.seed}, BENCH_CPU_PROFILE=${settings.cpuProfile ? 1 : 0}, BENCH_ACCOUNTS=${settings.accounts}, BENCH_MEMORY=${settings.memory ? 1 : 0}`,
  );
}

function versionOf(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0] ?? command;
  } catch {
    return `${command}: not found`;
  }
}

function dovecotVersion(): string {
  return versionOf('/usr/sbin/dovecot', ['--version']);
}

function postgresBinary(): string {
  const root = '/usr/lib/postgresql';
  const newest = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  return newest ? path.join(root, newest, 'bin', 'postgres') : 'postgres';
}

/**
 * A CRM user whose saved account is the bench mailbox on the plain port, importing only Bench: INBOX
 * and Sent (imported by default) are recorded as known but switched off, the way the integration
 * tests' aliceAccountImporting() does it.
 */
async function createBenchAccount(db: Database, servers: MailServers): Promise<MailAccount> {
  const user = await createUser(db, { name: 'Bench', email: 'bench-owner@crm.test', password: 'bench owner password 1', role: 'member' });
  const account = await saveMailAccount(db, user.id, {
    emailAddress: BENCH_USER.email,
    displayName: RECIPIENT.name,
    imap: { host: servers.host, port: servers.imapPlainPort, tls: 'none', username: BENCH_USER.email, password: BENCH_USER.password },
    smtp: { host: servers.host, port: servers.smtpPlainPort, tls: 'none', username: BENCH_USER.email, password: BENCH_USER.password },
    source: 'manual',
  });
  await db.insert(mailFolders).values([
    { accountId: account.id, path: 'INBOX', name: 'INBOX', delimiter: '/', selectedForImport: false },
    { accountId: account.id, path: 'Sent', name: 'Sent', delimiter: '/', selectedForImport: false },
    { accountId: account.id, path: BENCH_FOLDER, name: BENCH_FOLDER, delimiter: '/', selectedForImport: true },
  ]);
  return account;
}

// ---------------------------------------------------------------------------------------------
// Generating mail

interface DeliveredFolder {
  messages: number;
  bytes: number;
  ms: number;
}

/** Writes the messages into the Maildir folder, a few at a time, printing progress every `progressEvery`. */
async function deliverAll(maildir: string, folder: string, messages: Iterable<GeneratedMessage>, total: number, progressEvery: number): Promise<DeliveredFolder> {
  const started = performance.now();
  let delivered = 0;
  let bytes = 0;
  const inFlight = new Set<Promise<void>>();
  for (const message of messages) {
    const delivery = deliverToMaildir(maildir, message.raw, { folder, receivedAt: message.receivedAt, flags: message.flags }).then(() => {
      delivered++;
      if (delivered % progressEvery === 0) console.log(`  ${folder}: ${delivered}/${total} written (${seconds(performance.now() - started)})`);
    });
    bytes += message.raw.length;
    inFlight.add(delivery);
    // Both outcomes leave the set; a failure still surfaces through the race or Promise.all below.
    const settle = () => inFlight.delete(delivery);
    delivery.then(settle, settle);
    // The first delivery creates the folder's directories; later ones must not race it.
    if (inFlight.size >= DELIVERY_CONCURRENCY || delivered === 0) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { messages: delivered, bytes, ms: performance.now() - started };
}

async function generateBenchFolder(context: BenchContext): Promise<DeliveredFolder> {
  const { settings } = context;
  section(`Generating ${settings.messages} messages into "${BENCH_FOLDER}"`);
  const corpus = generateBenchCorpus({
    count: settings.messages,
    targetBytes: settings.messages * AVERAGE_MESSAGE_BYTES,
    seed: settings.seed,
    now: new Date(),
    spanDays: SPAN_DAYS,
    recipient: RECIPIENT,
  });
  const generated = await deliverAll(context.maildir, BENCH_FOLDER, corpus, settings.messages, Math.max(1, Math.ceil(settings.messages / 10)));
  console.log(
    `${generated.messages} messages, ${megabytes(generated.bytes)} raw (plain/HTML/alternative, 15 % with attachments of 20 kB–1 MB, ` +
      `utf-8/iso-8859-1/windows-1252/koi8-r/shift_jis, threads, dates over ${SPAN_DAYS} days) in ${seconds(generated.ms)}`,
  );
  context.summary.push({ measurement: `generated ${BENCH_FOLDER}`, value: `${generated.messages} msgs, ${megabytes(generated.bytes)}`, note: `written in ${seconds(generated.ms)}` });
  return generated;
}

/**
 * Lets Dovecot scan the new Maildir files and build its index before anything is timed, so neither the
 * importer nor mbsync pays for that first scan (whoever came first would).
 */
async function warmUpDovecot(servers: MailServers, folder: string): Promise<number> {
  const started = performance.now();
  await withBenchImap(servers, async (client) => {
    await client.mailboxOpen(folder, { readOnly: true });
    await client.fetchAll('1:*', { uid: true, flags: true, size: true, internalDate: true });
  });
  return performance.now() - started;
}

function withBenchImap<T>(servers: MailServers, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  return withImapClient({ host: servers.host, port: servers.imapPlainPort, secure: false, auth: { user: BENCH_USER.email, pass: BENCH_USER.password } }, work);
}

// ---------------------------------------------------------------------------------------------
// Importing in a child process

interface ChildImport {
  wallMs: number;
  summary: ImportSummary | undefined;
  resources: ResourceReport | undefined;
  polledPeakRssKib: number;
  postgresCpuSeconds: number | undefined;
  dovecotCpuSeconds: number | undefined;
}

/** CPU of the servers during a measurement, with the worker processes they forked (connections) included. */
function serverCpuProbe(context: BenchContext): () => { postgres: number | undefined; dovecot: number | undefined } {
  const postgresPid = findProcess((argv) => (argv[0] ?? '').endsWith('/postgres') && argv[argv.indexOf('-p') + 1] === String(context.postgres.port));
  const plainConfig = path.join(context.servers.dir, 'dovecot-plain', 'dovecot.conf');
  const dovecotPid = findProcess((argv) => (argv[0] ?? '').endsWith('dovecot') && argv.includes(plainConfig));
  const read = () => ({
    postgres: postgresPid !== undefined ? processTreeCpuSeconds(postgresPid) : undefined,
    dovecot: dovecotPid !== undefined ? processTreeCpuSeconds(dovecotPid) : undefined,
  });
  const before = read();
  return () => {
    const after = read();
    const delta = (start: number | undefined, end: number | undefined) => (start !== undefined && end !== undefined ? end - start : undefined);
    return { postgres: delta(before.postgres, after.postgres), dovecot: delta(before.dovecot, after.dovecot) };
  };
}

/**
 * The importer as `npm run mail:import` runs it (one esbuild bundle, see scripts/run-bundled.mjs), but
 * started with node directly rather than through npm or the wrapper, which would each put a process
 * in between: the child's pid is the importer's and its rusage is the importer's own.
 */
async function runImporterChild(context: BenchContext, track: (child: ChildProcess) => void, label: string, folder: string, expected: number): Promise<ChildImport> {
  const reportFile = path.join(context.workDir, `resources-${Date.now()}.json`);
  const profileDir = path.join(context.workDir, `cpu-profile-${folder}`);
  const profiling = context.settings.cpuProfile;
  await makeDue(context.handle.db, context.account.id);
  const [importer, resourceReport] = await Promise.all([bundleCommand('scripts/mail-import.ts'), bundleCommand('scripts/bench/resource-report.ts')]);
  const args = [
    ...(profiling ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    '--import',
    pathToFileURL(resourceReport).href,
    importer,
    '--account',
    context.account.id,
    '--budget-seconds',
    '3600',
  ];
  const serverCpu = serverCpuProbe(context);
  const startCount = await storedCount(context.handle.db, context.account.id, folder);
  const started = performance.now();
  // Progress from the database: the child commits every batch, so the count shows how far it got.
  const progress = setInterval(() => {
    void storedCount(context.handle.db, context.account.id, folder).then(
      (stored) => console.log(`  ${label}: ${stored - startCount}/${expected} imported after ${seconds(performance.now() - started)}`),
      () => undefined,
    );
  }, 15_000);
  let run;
  try {
    run = await runMeasured(process.execPath, args, {
      cwd: context.repoRoot,
      env: { ...process.env, DATABASE_URL: context.databaseUrl, BENCH_RESOURCE_REPORT_FILE: reportFile },
      onStart: track,
      onStderrLine: (line) => console.log(`  importer stderr: ${line.slice(0, 300)}`),
    });
  } finally {
    clearInterval(progress);
  }
  // Postgres reaps the child's backends a moment after the connections close; their CPU shows up once reaped.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cpu = serverCpu();
  if (run.exitCode !== 0) context.failures.push(`${label}: the importer exited with ${run.exitCode}`);
  const summary = parseSummary(run.stdout);
  if (profiling) printCpuProfile(profileDir);
  return {
    wallMs: run.wallMs,
    summary,
    resources: fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ResourceReport) : undefined,
    polledPeakRssKib: run.polledPeakRssKib,
    postgresCpuSeconds: cpu.postgres,
    dovecotCpuSeconds: cpu.dovecot,
  };
}

/** The CLI prints the summary last, indented over several lines; one-line JSON logs may come before it. */
function parseSummary(stdout: string): ImportSummary | undefined {
  // Not found: -1 + 1 = 0, and the whole output is tried.
  const start = stdout.lastIndexOf('\n{\n') + 1;
  try {
    return JSON.parse(stdout.slice(start)) as ImportSummary;
  } catch {
    console.log(`  importer stdout was not a summary: ${stdout.slice(0, 500)}`);
    return undefined;
  }
}

function printCpuProfile(profileDir: string): void {
  const profile = readBusiestCpuProfile(profileDir);
  if (!profile) {
    console.log('  (no CPU profile was written)');
    return;
  }
  const summary = summarizeCpuProfile(profile);
  console.log(`\nCPU profile of the importer (${seconds(summary.totalMs)} sampled; idle = waiting on the network):`);
  console.log(table(['Phase', 'Time', 'Share'], summary.phases.map((phase) => [phase.phase, seconds(phase.ms), `${(phase.share * 100).toFixed(1)} %`])));
  console.log('\nHottest functions (self time):');
  console.log(table(['Function', 'Self time'], summary.hottest.map((entry) => [entry.name.slice(0, 100), seconds(entry.ms)])));
}

function describeChildImport(label: string, run: ChildImport, messages: number, bytes: number | undefined): string[] {
  const peak = run.resources ? mebibytesFromKib(run.resources.maxRssKib) : `${mebibytesFromKib(run.polledPeakRssKib)} (polled)`;
  const importerCpu = run.resources ? run.resources.userCpuSeconds + run.resources.systemCpuSeconds : undefined;
  const cpu = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(1)} s`);
  const lines = [
    `${label}: ${messages} messages in ${seconds(run.wallMs)} → ${perSecond(messages, run.wallMs, 'msgs')}` + (bytes !== undefined ? `, ${megabytesPerSecond(bytes, run.wallMs)}` : ''),
    `  peak RSS of the importer process: ${peak} (polled VmHWM: ${mebibytesFromKib(run.polledPeakRssKib)})`,
    `  CPU: importer ${cpu(importerCpu)}, Postgres ${cpu(run.postgresCpuSeconds)}, Dovecot ${cpu(run.dovecotCpuSeconds)} (wall ${seconds(run.wallMs)}, ${os.cpus().length} cores)`,
  ];
  const account = run.summary?.accounts[0];
  if (account) lines.push(`  summary: outcome ${account.outcome}, added ${account.added}, workRemaining ${account.workRemaining}${account.errors.length ? `, errors: ${account.errors.join('; ')}` : ''}`);
  return lines;
}

async function measureInitialImport(context: BenchContext, generated: DeliveredFolder, track: (child: ChildProcess) => void): Promise<void> {
  section(`Initial import of "${BENCH_FOLDER}" (child process)`);
  console.log(`Dovecot index warm-up (not timed for either side): ${seconds(await warmUpDovecot(context.servers, BENCH_FOLDER))}`);
  const run = await runImporterChild(context, track, 'initial import', BENCH_FOLDER, generated.messages);
  for (const line of describeChildImport('Initial import', run, generated.messages, generated.bytes)) console.log(line);
  const stored = await storedCount(context.handle.db, context.account.id, BENCH_FOLDER);
  const countOk = stored === generated.messages;
  console.log(`Rows in mail_messages for ${BENCH_FOLDER}: ${stored} (generated ${generated.messages}) ${countOk ? 'OK' : 'MISMATCH'}`);
  if (!countOk) context.failures.push(`initial import stored ${stored} of ${generated.messages} messages`);
  context.initialImport = { wallMs: run.wallMs };
  const importerCpu = run.resources ? (run.resources.userCpuSeconds + run.resources.systemCpuSeconds).toFixed(0) : 'n/a';
  context.summary.push(
    { measurement: 'initial import', value: `${perSecond(generated.messages, run.wallMs, 'msgs')}, ${megabytesPerSecond(generated.bytes, run.wallMs)}`, note: `wall ${seconds(run.wallMs)}; rows ${stored}/${generated.messages}` },
    {
      measurement: 'initial import: peak RSS',
      value: run.resources ? mebibytesFromKib(run.resources.maxRssKib) : mebibytesFromKib(run.polledPeakRssKib),
      note: `CPU s: importer ${importerCpu}, Postgres ${run.postgresCpuSeconds?.toFixed(0) ?? 'n/a'}, Dovecot ${run.dovecotCpuSeconds?.toFixed(0) ?? 'n/a'}`,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// mbsync

async function measureMbsync(context: BenchContext, generated: DeliveredFolder, track: (child: ChildProcess) => void): Promise<void> {
  section(`mbsync pulling "${BENCH_FOLDER}" (the reference)`);
  const serverCpu = serverCpuProbe(context);
  const run = await runMbsync(
    { host: context.servers.host, port: context.servers.imapPlainPort, user: BENCH_USER.email, password: BENCH_USER.password, folder: BENCH_FOLDER },
    context.workDir,
    track,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cpu = serverCpu();
  if (run.exitCode !== 0) {
    console.log(`mbsync exited with ${run.exitCode}: ${run.stderr.trim().slice(0, 1000)}`);
    context.failures.push(`mbsync exited with ${run.exitCode}`);
  }
  console.log(
    `mbsync: ${run.messages} messages (${megabytes(run.bytes)}) in ${seconds(run.wallMs)} → ${perSecond(run.messages, run.wallMs, 'msgs')}, ${megabytesPerSecond(generated.bytes, run.wallMs)}`,
  );
  console.log(`  peak RSS (polled): ${mebibytesFromKib(run.polledPeakRssKib)}; CPU: mbsync ≈ ${run.polledCpuSeconds.toFixed(1)} s, Dovecot ${cpu.dovecot?.toFixed(1) ?? 'n/a'} s`);
  if (run.messages !== generated.messages) context.failures.push(`mbsync pulled ${run.messages} of ${generated.messages} messages`);
  const ours = context.initialImport;
  const ratio = ours ? run.wallMs / ours.wallMs : undefined;
  if (ratio !== undefined) console.log(`Ours / mbsync (messages per second): ${ratio.toFixed(2)} (mbsync is ${(1 / ratio).toFixed(1)}× as fast)`);
  context.summary.push({
    measurement: 'mbsync (same folder, same port)',
    value: `${perSecond(run.messages, run.wallMs, 'msgs')}, ${megabytesPerSecond(generated.bytes, run.wallMs)}`,
    note: `wall ${seconds(run.wallMs)}; ours/mbsync = ${ratio?.toFixed(2) ?? 'n/a'}`,
  });
}

// ---------------------------------------------------------------------------------------------
// In-process passes

/** Makes the account due at once, as if its interval had passed (as the integration tests do). */
async function makeDue(db: Database, accountId: string): Promise<void> {
  await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(eq(mailAccountSync.accountId, accountId));
}

async function storedCount(db: Database, accountId: string, folder: string): Promise<number> {
  const [row] = await db
    .select({ value: count() })
    .from(mailMessages)
    .innerJoin(mailFolders, eq(mailFolders.id, mailMessages.folderId))
    .where(and(eq(mailFolders.accountId, accountId), eq(mailFolders.path, folder)));
  return row?.value ?? 0;
}

interface TimedPass {
  ms: number;
  /** From the start of the pass to Dovecot's greeting: the due/lease queries, TCP connect, Dovecot forking a login process. */
  untilGreetingMs: number;
  /** Greeting to the reply to LOGOUT: the IMAP conversation. */
  conversationMs: number;
  commands: string[];
  added: number;
  updated: number;
  removed: number;
  outcome: string;
}

async function timedPass(context: BenchContext): Promise<TimedPass> {
  await makeDue(context.handle.db, context.account.id);
  const recorder = recordImapCommands();
  const started = performance.now();
  const summary = await runImportPass(context.handle.db, { budgetMs: 600_000, accountIds: [context.account.id], imapLogger: recorder.logger, workerId: 'bench' });
  const ms = performance.now() - started;
  const account = summary.accounts[0];
  const greeting = recorder.firstServerLineAt ?? started;
  return {
    ms,
    untilGreetingMs: greeting - started,
    conversationMs: (recorder.lastServerLineAt ?? greeting) - greeting,
    commands: recorder.commands,
    added: account?.added ?? 0,
    updated: account?.updated ?? 0,
    removed: account?.removed ?? 0,
    outcome: account?.outcome ?? 'not run (account not due?)',
  };
}

async function measureNoChangePasses(context: BenchContext, label: string): Promise<void> {
  section(label);
  const passes: TimedPass[] = [];
  for (let repetition = 0; repetition < NO_CHANGE_REPETITIONS; repetition++) passes.push(await timedPass(context));
  const times = passes.map((pass) => pass.ms);
  const medianMs = median(times);
  const commandCounts = [...new Set(passes.map((pass) => pass.commands.length))];
  console.log(`Times: ${times.map((ms) => milliseconds(ms)).join(', ')} → median ${milliseconds(medianMs)}`);
  console.log(`IMAP commands per pass: ${commandCounts.join(' / ')} (${commandVerbs(passes[0]?.commands ?? [])})`);
  const medianOf = (pick: (pass: TimedPass) => number) => milliseconds(median(passes.map(pick)));
  console.log(
    `Where the time goes (medians): until Dovecot's greeting ${medianOf((pass) => pass.untilGreetingMs)} (DB due/lease queries, TCP connect, login process), ` +
      `IMAP conversation ${medianOf((pass) => pass.conversationMs)}, after LOGOUT ${medianOf((pass) => pass.ms - pass.untilGreetingMs - pass.conversationMs)} (closing, releasing the lease)`,
  );
  const changed = passes.filter((pass) => pass.added + pass.updated + pass.removed > 0 || pass.outcome !== 'ok');
  if (changed.length > 0) context.failures.push(`${label}: a pass changed something or failed (${changed.map((pass) => `${pass.outcome} +${pass.added} ~${pass.updated} -${pass.removed}`).join('; ')})`);
  context.summary.push({
    measurement: label,
    value: `median ${milliseconds(medianMs)}, ${commandCounts.join('/')} IMAP commands`,
    note: `${NO_CHANGE_REPETITIONS} runs: ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  });
}

// ---------------------------------------------------------------------------------------------
// The 100k folder

async function generateAndImportBigFolder(context: BenchContext, track: (child: ChildProcess) => void): Promise<void> {
  const total = context.settings.bigMessages;
  section(`Generating ${total} tiny messages into "${BIG_FOLDER}"`);
  const random = new SeededRandom(context.settings.seed + 1);
  const now = new Date();
  function* tinyMessages(): Generator<GeneratedMessage> {
    for (let index = 0; index < total; index++) yield generateTinyMessage(index, random, { now, spanDays: SPAN_DAYS, recipient: RECIPIENT });
  }
  const delivered = await deliverAll(context.maildir, BIG_FOLDER, tinyMessages(), total, Math.max(1, Math.ceil(total / 10)));
  console.log(`${delivered.messages} messages, ${megabytes(delivered.bytes)} in ${seconds(delivered.ms)}`);
  // Selected before its first pass sees it, as a user would tick it in the folder list.
  await context.handle.db
    .insert(mailFolders)
    .values({ accountId: context.account.id, path: BIG_FOLDER, name: BIG_FOLDER, delimiter: '/', selectedForImport: true })
    .onConflictDoUpdate({ target: [mailFolders.accountId, mailFolders.path], set: { selectedForImport: true } });

  section(`Importing "${BIG_FOLDER}" (child process)`);
  console.log(`Dovecot index warm-up (not timed): ${seconds(await warmUpDovecot(context.servers, BIG_FOLDER))}`);
  const run = await runImporterChild(context, track, `${BIG_FOLDER} import`, BIG_FOLDER, delivered.messages);
  for (const line of describeChildImport(`${BIG_FOLDER} import`, run, delivered.messages, delivered.bytes)) console.log(line);
  const stored = await storedCount(context.handle.db, context.account.id, BIG_FOLDER);
  console.log(`Rows in mail_messages for ${BIG_FOLDER}: ${stored} (generated ${delivered.messages}) ${stored === delivered.messages ? 'OK' : 'MISMATCH'}`);
  if (stored !== delivered.messages) context.failures.push(`${BIG_FOLDER} import stored ${stored} of ${delivered.messages} messages`);
  context.summary.push(
    { measurement: `generated ${BIG_FOLDER}`, value: `${delivered.messages} msgs, ${megabytes(delivered.bytes)}`, note: `written in ${seconds(delivered.ms)}` },
    {
      measurement: `${BIG_FOLDER} import`,
      value: perSecond(delivered.messages, run.wallMs, 'msgs'),
      note:
        `wall ${seconds(run.wallMs)}; peak RSS ${run.resources ? mebibytesFromKib(run.resources.maxRssKib) : 'n/a'}; ` +
        `CPU s: importer ${run.resources ? (run.resources.userCpuSeconds + run.resources.systemCpuSeconds).toFixed(0) : 'n/a'}, Postgres ${run.postgresCpuSeconds?.toFixed(0) ?? 'n/a'}; rows ${stored}/${delivered.messages}`,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// After changes

/** Sets \Flagged on `howMany` messages that do not have it, spread over the folder, as another mail client would. */
async function flagExistingMessages(servers: MailServers, folder: string, howMany: number): Promise<number[]> {
  return withBenchImap(servers, async (client) => {
    await client.mailboxOpen(folder);
    const messages = await client.fetchAll('1:*', { uid: true, flags: true });
    const unflagged = messages.filter((message) => !message.flags?.has('\\Flagged')).map((message) => message.uid);
    const step = Math.max(1, Math.floor(unflagged.length / howMany));
    const chosen = unflagged.filter((_, index) => index % step === 0).slice(0, howMany);
    await client.messageFlagsAdd(chosen.join(','), ['\\Flagged'], { uid: true });
    return chosen;
  });
}

async function measurePassAfterChanges(context: BenchContext): Promise<void> {
  section(`After changes: ${CHANGED_MESSAGES} new messages and ${CHANGED_MESSAGES} newly flagged in "${BENCH_FOLDER}"`);
  const flagged = await flagExistingMessages(context.servers, BENCH_FOLDER, CHANGED_MESSAGES);
  const newMail = generateBenchCorpus({
    count: CHANGED_MESSAGES,
    targetBytes: CHANGED_MESSAGES * AVERAGE_MESSAGE_BYTES,
    seed: context.settings.seed + 2,
    now: new Date(),
    // Just arrived: the last day.
    spanDays: 1,
    recipient: RECIPIENT,
  });
  const delivered = await deliverAll(context.maildir, BENCH_FOLDER, newMail, CHANGED_MESSAGES, CHANGED_MESSAGES);
  const pass = await timedPass(context);
  console.log(`One pass: ${milliseconds(pass.ms)}, ${pass.commands.length} IMAP commands (${commandVerbs(pass.commands)})`);
  console.log(`  added ${pass.added} (expected ${delivered.messages}), updated ${pass.updated} (expected ${flagged.length}), removed ${pass.removed}, outcome ${pass.outcome}`);
  if (pass.added !== delivered.messages || pass.updated !== flagged.length) {
    context.failures.push(`pass after changes: added ${pass.added}/${delivered.messages}, updated ${pass.updated}/${flagged.length}`);
  }
  context.summary.push({
    measurement: 'pass after changes',
    value: `${milliseconds(pass.ms)}, ${pass.commands.length} IMAP commands`,
    note: `added ${pass.added}/${delivered.messages} (${megabytes(delivered.bytes)}), updated ${pass.updated}/${flagged.length}`,
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:import failed: ${errorText(error)}`);
    process.exit(1);
  },
);
