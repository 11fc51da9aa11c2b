// npm run bench:inbox   (root needed for the throw-away Postgres; see docs/benchmarks.md)
//
// Loads one account with a million messages (and a second with ten thousand, so every query has to
// pick its own account's rows) into a real Postgres, starts the production build on it, signs in and
// prints p50/p95 of the server's response time for what a reader waits on: the first page of the
// Inbox, page 500, a conversation, a message, a search for a common and for a rare word, the folder
// list's unread counts, and a flag change round trip. It asserts nothing: targets live in the docs.
//
//   BENCH_INBOX_MESSAGES=1000000   messages of the big account
//   BENCH_INBOX_SMALL=10000        messages of the second account
//   BENCH_INBOX_REQUESTS=30        timed requests per figure (after 3 warm-up requests)
import './bench/environment';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openPostgres, type Database } from '@/db/client';
import { executeRows } from '@/db/execute';
import { mailAccountSync, mailFolders } from '@/db/schema';
import { saveMailAccount } from '@/lib/mail/account';
import { changeMessages, listFolders } from '@/lib/mail/mailbox';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { ensureBuilt, startApp } from '../tests/harness/app-server';
import { launchChromium, newContext } from '../tests/harness/browser';
import { startPostgres } from '../tests/harness/postgres';
import { milliseconds, section, seconds, table } from './bench/report';

const whole = (name: string, fallback: number): number => {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${text}"`);
  return Number(text);
};
const BIG = whole('BENCH_INBOX_MESSAGES', 1_000_000);
const SMALL = whole('BENCH_INBOX_SMALL', 10_000);
const REQUESTS = whole('BENCH_INBOX_REQUESTS', 30);
const WARM_UP = 3;
const PAGE_SIZE = 50;
const READER = { name: 'Bench Reader', email: 'reader@bench.test', password: 'bench reader password' };

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function timed(times: number, work: () => Promise<void>): Promise<number[]> {
  for (let index = 0; index < WARM_UP; index++) await work();
  const durations: number[] = [];
  for (let index = 0; index < times; index++) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * An account with `count` messages, generated inside Postgres (a million rows in a few minutes):
 * 85 % in the Inbox, 10 % in Sent, 5 % in Archive, one every 30 seconds back from now, conversations
 * of three, 80 % read, 5 % flagged. "meeting" is in about a quarter of them, "zanzibar" in ten.
 */
export async function generateAccount(db: Database, label: string, count: number): Promise<{ userId: string; folders: Record<string, string> }> {
  const user = await createUser(db, { ...READER, email: `${label}-${READER.email}`, role: 'member' });
  await updatePreferences(db, user.id, { emailClient: 'crm' });
  const server = { host: 'mail.bench.test', port: 993, tls: 'implicit' as const, username: 'reader', password: 'not used' };
  const account = await saveMailAccount(db, user.id, {
    emailAddress: `${label}@bench.test`,
    displayName: 'Bench',
    imap: server,
    smtp: { ...server, port: 465 },
    source: 'manual',
  });
  const now = new Date();
  const folders: Record<string, string> = {};
  for (const [path, specialUse] of [['INBOX', 'inbox'], ['Sent', 'sent'], ['Archive', 'archive']] as const) {
    const [row] = await db
      .insert(mailFolders)
      .values({ accountId: account.id, path, name: path, specialUse, selectedForImport: true, uidValidity: 1, uidNext: count + 1, importedSince: now })
      .returning({ id: mailFolders.id });
    folders[path] = row!.id;
  }
  // Imported, and not due for years: the app's own timer must not try the made-up server.
  await db.insert(mailAccountSync).values({ accountId: account.id, lastPassAt: now, nextPassAt: new Date(Date.now() + 10 * 365 * 86_400_000) });
  const chunk = 100_000;
  for (let start = 1; start <= count; start += chunk) {
    const end = Math.min(count, start + chunk - 1);
    await db.execute(sql`
      with words(list) as (
        select array['quote','offer','invoice','project','delivery','contract','lunch','report','budget','review','order','shipment',
                     'kickoff','renewal','support','ticket','proposal','pricing','agenda','summary','follow','update','call','demo']
      ),
      generated as (
        select i,
          (select list from words) as list,
          case when i % 20 = 0 then ${folders.Archive}::uuid when i % 10 = 0 then ${folders.Sent}::uuid else ${folders.INBOX}::uuid end as folder_id
        from generate_series(${start}::integer, ${end}::integer) as i
      )
      insert into mail_messages (account_id, folder_id, uid_validity, uid, message_id, thread_id, from_addresses, to_addresses,
        subject, received_at, sent_at, flags, size, snippet, text_body, has_attachments, search)
      select ${account.id}::uuid, folder_id, 1, i, 'm' || i || '@bench.test', 't' || (i / 3) || '@bench.test',
        jsonb_build_array(jsonb_build_object('name', 'Sender ' || (i % 997), 'address', 'sender' || (i % 997) || '@customer' || (i % 89) || '.test')),
        jsonb_build_array(jsonb_build_object('name', 'Bench', 'address', ${`${label}@bench.test`}::text)),
        initcap(list[1 + i % 24]) || ' ' || list[1 + (i / 24) % 24] || case when i % 4 = 0 then ' meeting' else '' end
          || case when i % ${Math.max(1, Math.floor(count / 10))} = 7 then ' zanzibar' else '' end,
        ${now.toISOString()}::timestamptz - i * interval '30 seconds',
        ${now.toISOString()}::timestamptz - i * interval '30 seconds',
        case when i % 20 = 1 then array['\\Flagged', '\\Seen'] when i % 5 = 0 then array[]::text[] else array['\\Seen'] end,
        2000 + i % 50000,
        'About the ' || list[1 + (i / 7) % 24] || ' for customer ' || (i % 89) || ', see below.',
        'About the ' || list[1 + (i / 7) % 24] || ' for customer ' || (i % 89) || '. Regards.',
        i % 13 = 0,
        to_tsvector('simple', list[1 + i % 24] || ' ' || list[1 + (i / 24) % 24] || case when i % 4 = 0 then ' meeting' else '' end
          || case when i % ${Math.max(1, Math.floor(count / 10))} = 7 then ' zanzibar' else '' end || ' ' || list[1 + (i / 7) % 24]
          || ' customer ' || (i % 89) || ' sender' || (i % 997))
      from generated`);
    process.stdout.write(`\r  ${label}: ${end.toLocaleString('en')} of ${count.toLocaleString('en')} messages`);
  }
  process.stdout.write('\n');
  return { userId: user.id, folders };
}

async function main() {
  section('Setting up');
  const [postgres] = await Promise.all([startPostgres(), ensureBuilt()]);
  const url = await postgres.createDatabase();
  const handle = await openPostgres(url, { migrate: true });
  const { db } = handle;
  const loadStarted = performance.now();
  const big = await generateAccount(db, 'big', BIG);
  await generateAccount(db, 'small', SMALL);
  await db.execute(sql`vacuum analyze mail_messages`);
  console.log(`  generated ${(BIG + SMALL).toLocaleString('en')} messages in ${seconds(performance.now() - loadStarted)}`);

  const app = await startApp({ DATABASE_URL: url, AUTH_SECRET: process.env.AUTH_SECRET!, MAIL_ENCRYPTION_KEY: process.env.MAIL_ENCRYPTION_KEY!, IMPORT_INTERVAL_SECONDS: '0', LOG_LEVEL: 'warn' });
  const browser = await launchChromium();
  const rows: string[][] = [];
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByLabel('E-mail address').fill(`big-${READER.email}`);
    await page.getByLabel('Password').fill(READER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/inbox/);
    const cookie = (await context.cookies()).map((entry) => `${entry.name}=${entry.value}`).join('; ');
    const get = (path: string) => async () => {
      const response = await fetch(`${app.baseUrl}${path}`, { headers: { cookie } });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      await response.arrayBuffer();
    };

    const inbox = big.folders.INBOX!;
    const [page500] = await executeRows<{ cursor: string }>(db, sql`
      select (extract(epoch from received_at) * 1000000)::bigint::text || '.' || id as cursor from mail_messages
      where folder_id = ${inbox}::uuid order by received_at desc, id desc offset ${PAGE_SIZE * 499} limit 1`);
    const [sample] = await executeRows<{ id: string; thread_id: string }>(db, sql`
      select id, thread_id from mail_messages where folder_id = ${inbox}::uuid order by received_at desc offset 1000 limit 1`);
    const figures: [string, () => Promise<void>][] = [
      ['Inbox, first page', get(`/inbox?folder=${inbox}`)],
      ['Inbox, page 500', get(`/inbox?folder=${inbox}&before=${page500!.cursor}`)],
      ['conversation view', get(`/inbox/conversations/${encodeURIComponent(sample!.thread_id)}?folder=${inbox}`)],
      ['message view', get(`/inbox/messages/${sample!.id}?folder=${inbox}`)],
      ['search, common word ("meeting")', get('/inbox?q=meeting')],
      ['search, rare word ("zanzibar")', get('/inbox?q=zanzibar')],
      ['Inbox grouped by conversation', get(`/inbox?folder=${inbox}&view=conversations`)],
    ];
    section(`Server response times, ${REQUESTS} requests each (production build, loopback)`);
    for (const [label, work] of figures) {
      const durations = await timed(REQUESTS, work);
      rows.push([label, milliseconds(percentile(durations, 0.5)), milliseconds(percentile(durations, 0.95))]);
    }
    const unread = await timed(REQUESTS, async () => void (await listFolders(db, big.userId)));
    rows.push(['unread counts (folder list query)', milliseconds(percentile(unread, 0.5)), milliseconds(percentile(unread, 0.95))]);
    let flagged = false;
    const flagChange = await timed(REQUESTS, async () => {
      flagged = !flagged;
      await changeMessages(db, big.userId, [sample!.id], { kind: 'flagged', value: flagged });
      await get(`/inbox/messages/${sample!.id}?folder=${inbox}`)();
    });
    rows.push(['flag change + page re-render', milliseconds(percentile(flagChange, 0.5)), milliseconds(percentile(flagChange, 0.95))]);
    console.log(table(['request', 'p50', 'p95'], rows));
    console.log(`\n  ${BIG.toLocaleString('en')} messages in the big account, ${SMALL.toLocaleString('en')} in the second; targets: p50 ≤ 50 ms, p95 ≤ 150 ms.`);
  } finally {
    await browser.close();
    await app.stop();
    await handle.close();
    await postgres.stop();
  }
}

if (process.argv[1]?.endsWith('bench-inbox.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
