import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailAccountSync, mailFolders, mailMessages } from '@/db/schema';
import { aliceAccountImporting } from '../harness/mail-accounts';
import { freshPostgres } from '../harness/databases';
import { deliverToMaildir } from '../harness/mail-servers';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const MESSAGES = 2000;
const ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 11).toString('base64')}`;

let handle: DatabaseHandle;
let databaseUrl: string;
let running: ChildProcess | undefined;

beforeAll(async () => {
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = ENCRYPTION_KEY;
  ({ handle, url: databaseUrl } = await freshPostgres());
});
afterAll(async () => {
  // Only our own importer's process group, should a failed assertion have left it running.
  if (running?.pid && running.exitCode === null && running.signalCode === null) process.kill(-running.pid, 'SIGKILL');
  await handle?.close();
});

/** The importer CLI as an admin or a systemd timer would run it, in its own process group so it can be killed whole. */
function startImporter(accountId: string): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn('npx', ['tsx', 'scripts/mail-import.ts', '--account', accountId, '--budget-seconds', '300'], {
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-kill-')),
      MAIL_ENCRYPTION_KEY: ENCRYPTION_KEY,
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      NODE_ENV: 'development',
    },
  });
  running = child;
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

async function countIn(folderId: string): Promise<{ total: number; distinct: number }> {
  const [row] = await handle.db
    .select({ total: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${mailMessages.uid})::int` })
    .from(mailMessages)
    .where(eq(mailMessages.folderId, folderId));
  return row ?? { total: 0, distinct: 0 };
}

describe('an importer killed in the middle of a run', () => {
  it('loses and duplicates nothing: the next run ends with exactly the mailbox', { timeout: 300_000 }, async () => {
    const folder = `Import-kill-${crypto.randomBytes(4).toString('hex')}`;
    const maildir = servers.maildirs[alice.email]!;
    for (let index = 0; index < MESSAGES; index++) {
      const raw = `From: bob@example.test\r\nTo: ${alice.email}\r\nSubject: Bulk ${index}\r\nMessage-ID: <bulk-${index}-${folder}@example.test>\r\n\r\nMessage ${index}.\r\n`;
      await deliverToMaildir(maildir, raw, { folder, flags: '' });
    }
    const account = await aliceAccountImporting(handle.db, [folder]);
    const [folderRow] = await handle.db.select().from(mailFolders).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folder)));

    // Kill it hard once a few batches are committed.
    const first = startImporter(account.id);
    const deadline = Date.now() + 120_000;
    while ((await countIn(folderRow!.id)).total < 300) {
      if (Date.now() > deadline || first.child.exitCode !== null) throw new Error(`the importer did not get going: ${(await first.done).stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.done;
    const afterKill = await countIn(folderRow!.id);
    expect(afterKill.total).toBeLessThan(MESSAGES);
    expect(afterKill.distinct).toBe(afterKill.total);

    // The dead worker's lease would run out after its TTL; skip the wait.
    await handle.db.update(mailAccountSync).set({ leaseExpiresAt: new Date(0) }).where(eq(mailAccountSync.accountId, account.id));

    const second = startImporter(account.id);
    const finished = await second.done;
    expect(finished.code, finished.stderr).toBe(0);
    const summary = JSON.parse(finished.stdout) as { accounts: { added: number; outcome: string; workRemaining: boolean }[] };
    expect(summary.accounts[0]).toMatchObject({ outcome: 'ok', added: MESSAGES - afterKill.total, workRemaining: false });
    expect(await countIn(folderRow!.id)).toEqual({ total: MESSAGES, distinct: MESSAGES });
  });
});
