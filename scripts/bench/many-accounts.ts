import crypto from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { mailAccountSync, mailMessages, users } from '@/db/schema';
import { env } from '@/lib/env';
import { saveMailAccount } from '@/lib/mail/account';
import { runImportPass, startInboxWatchers, type ImportSummary } from '@/lib/mail/sync';
import { deliverToMaildir, type MailServers, type MailUser } from '../../tests/harness/mail-servers';
import { startLatencyProxy } from './latency-proxy';
import { median, milliseconds, seconds, section } from './report';

/**
 * Many mailboxes on a "remote" server: N Dovecot users behind a proxy that adds 100 ms of round-trip
 * time, one CRM account each. Measures one no-change round over all of them (what a cron call or
 * timer pass must fit into its budget) and, with IMAP IDLE watching the INBOXes, the delay from a
 * delivery to the message being in the database (what the open Inbox then shows within its poll).
 */

export const ONE_WAY_DELAY_MS = 50;
const IDLE_SAMPLES = 5;

export function manyMailUsers(count: number): MailUser[] {
  return Array.from({ length: count }, (_, index) => ({ email: `many${String(index).padStart(4, '0')}@example.test`, password: `many-secret-${index}` }));
}

export interface ManyAccountsResult {
  rows: { measurement: string; value: string; note: string }[];
  failures: string[];
}

function message(to: string, subject: string): string {
  return [
    'From: Sender <sender@example.test>',
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@example.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello.',
    '',
  ].join('\r\n');
}

async function untilImported(db: Database, accountId: string, subject: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await db
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .where(and(eq(mailMessages.accountId, accountId), eq(mailMessages.subject, subject)))
      .limit(1);
    if (row) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const outcomes = (summary: ImportSummary) => {
  const counts = new Map<string, number>();
  for (const account of summary.accounts) counts.set(account.outcome, (counts.get(account.outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${outcome} ${count}`).join(', ');
};

export async function measureManyAccounts(db: Database, servers: MailServers, mailUsers: readonly MailUser[]): Promise<ManyAccountsResult> {
  const rows: ManyAccountsResult['rows'] = [];
  const failures: string[] = [];
  const settings = env();
  section(`${mailUsers.length} mailboxes behind a proxy adding ${2 * ONE_WAY_DELAY_MS} ms round-trip time`);
  const proxy = await startLatencyProxy({ host: servers.host, port: servers.imapPlainPort }, ONE_WAY_DELAY_MS);
  try {
    // One message each, so every INBOX has something to import the first time.
    const deliveryStarted = performance.now();
    for (let index = 0; index < mailUsers.length; index += 50) {
      await Promise.all(
        mailUsers.slice(index, index + 50).map((user) => deliverToMaildir(servers.maildirFor(user.email), message(user.email, 'Welcome'), { folder: 'INBOX', flags: '' })),
      );
    }
    // CRM users made directly: hashing 1,000 passwords with argon2 would take minutes and measure nothing here.
    const created = await db
      .insert(users)
      .values(mailUsers.map((user, index) => ({ email: `many-owner-${index}@crm.test`, name: `Owner ${index}`, passwordHash: 'not-a-valid-hash' })))
      .returning({ id: users.id });
    const accountIds: string[] = [];
    for (const [index, user] of mailUsers.entries()) {
      const server = { host: '127.0.0.1', port: proxy.port, tls: 'none' as const, username: user.email, password: user.password };
      const account = await saveMailAccount(db, created[index]!.id, {
        emailAddress: user.email,
        displayName: user.email,
        imap: server,
        smtp: { ...server, port: servers.smtpPlainPort },
        source: 'manual',
      });
      accountIds.push(account.id);
    }
    console.log(`${mailUsers.length} Dovecot users with one message each, and their CRM accounts, set up in ${seconds(performance.now() - deliveryStarted)}`);
    console.log(`Import concurrency: ${settings.importConcurrency} (IMPORT_CONCURRENCY); IDLE watchers: up to ${settings.imapIdleMaxAccounts} (IMAP_IDLE_MAX_ACCOUNTS)`);

    // The first round: every account's first import (folder list, one message). Set-up, not a
    // measurement: every slot may take a first import here (normally at most 4 do, for memory).
    let started = performance.now();
    const setUpPass = () => runImportPass(db, { budgetMs: 900_000, accountIds, workerId: 'bench-many', firstImportSlots: settings.importConcurrency });
    let first = await setUpPass();
    while (first.workRemaining && performance.now() - started < 900_000) first = await setUpPass();
    const firstMs = performance.now() - started;
    console.log(`First round (first imports): ${seconds(firstMs)}; ${outcomes(first)}`);
    rows.push({ measurement: `first round, ${mailUsers.length} accounts (set-up)`, value: seconds(firstMs), note: `${outcomes(first)}; every slot on first imports; +100 ms RTT` });

    // The measured round: nothing changed anywhere, every account due.
    await db.update(mailAccountSync).set({ nextPassAt: new Date(0) }).where(inArray(mailAccountSync.accountId, accountIds));
    started = performance.now();
    const round = await runImportPass(db, { budgetMs: 900_000, accountIds, workerId: 'bench-many' });
    const roundMs = performance.now() - started;
    const changed = round.accounts.filter((account) => account.added + account.updated + account.removed > 0).length;
    const ok = round.accounts.filter((account) => account.outcome === 'ok').length;
    console.log(`No-change round over ${mailUsers.length} accounts: ${seconds(roundMs)} (${ok} ok, ${changed} changed; per account median ${milliseconds(median(round.accounts.map((a) => a.durationMs)))})`);
    if (ok !== mailUsers.length) failures.push(`no-change round: ${ok} of ${mailUsers.length} accounts ok (${outcomes(round)})`);
    rows.push({
      measurement: `no-change round, ${mailUsers.length} accounts`,
      value: seconds(roundMs),
      note: `target ≤ 30 s; concurrency ${settings.importConcurrency}; +100 ms RTT; ${ok} ok`,
    });

    // IDLE: the watchers as a long-running server runs them, through the same proxy.
    const watchersStarted = performance.now();
    const watchers = startInboxWatchers(async () => db);
    try {
      const expected = Math.min(settings.imapIdleMaxAccounts, mailUsers.length);
      while (watchers.connectedCount() < expected && performance.now() - watchersStarted < 180_000) await new Promise((resolve) => setTimeout(resolve, 200));
      console.log(`IDLE: ${watchers.connectedCount()} INBOXes watched after ${seconds(performance.now() - watchersStarted)} (the first IDLE imports run now too)`);
      // Every new watch first imports what arrived since the last pass; time the notices after those.
      const settleStarted = performance.now();
      while (watchers.pendingImports() > 0 && performance.now() - settleStarted < 120_000) await new Promise((resolve) => setTimeout(resolve, 200));
      console.log(`IDLE: the watches' catch-up imports done after another ${seconds(performance.now() - settleStarted)}`);
      const delays: number[] = [];
      // The accounts watched first (the oldest), spread over them.
      const watched = accountIds.slice(0, expected);
      for (let sample = 0; sample < IDLE_SAMPLES; sample++) {
        const index = Math.floor(((sample + 0.5) * watched.length) / IDLE_SAMPLES);
        const user = mailUsers[index]!;
        const subject = `IDLE sample ${sample} ${crypto.randomUUID()}`;
        const delivered = performance.now();
        await deliverToMaildir(servers.maildirFor(user.email), message(user.email, subject), { folder: 'INBOX', flags: '' });
        const seen = await untilImported(db, watched[index]!, subject, 60_000);
        const delay = performance.now() - delivered;
        if (!seen) failures.push(`IDLE sample ${sample}: not imported within 60 s`);
        delays.push(delay);
        console.log(`  delivery → in the database: ${milliseconds(delay)}${seen ? '' : ' (NOT SEEN)'}`);
      }
      const sorted = [...delays].sort((a, b) => a - b);
      console.log(
        `Delivery to visible with IDLE: median ${milliseconds(median(delays))}, max ${milliseconds(sorted.at(-1) ?? 0)}; ` +
          'the open Inbox shows it at its next poll of the mailbox version (every 2 s), so add up to 2 s for the page',
      );
      rows.push({
        measurement: 'delivery → visible (IDLE)',
        value: `median ${milliseconds(median(delays))}, max ${milliseconds(sorted.at(-1) ?? 0)}`,
        note: `target ≤ 10 s; in the DB, + ≤ 2 s page poll; ${watchers.connectedCount()} watchers, +100 ms RTT`,
      });
    } finally {
      await watchers.stop();
    }
  } finally {
    await proxy.close();
  }
  return { rows, failures };
}
