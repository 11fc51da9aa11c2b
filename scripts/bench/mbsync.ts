import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runMeasured, type MeasuredRun } from './processes';

/**
 * The reference: isync's mbsync pulling the same folder over the same plain IMAP port into a local
 * Maildir. It only copies bytes to files (no parsing, no database), so it shows what the IMAP side
 * alone costs; the importer cannot be faster than that.
 */

export interface MbsyncTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The IMAP folder to pull (the same one our importer imports). */
  folder: string;
}

export interface MbsyncResult extends MeasuredRun {
  configPath: string;
  /** Message files that arrived in the local Maildir, and their total size. */
  messages: number;
  bytes: number;
}

export function mbsyncConfig(target: MbsyncTarget, maildirRoot: string): string {
  if (/[\s"\\]/.test(target.password)) throw new Error('the benchmark password must not need quoting in the mbsync config');
  // mbsync wants a blank line between sections. FSync off: our Postgres runs with fsync=off as well,
  // so neither side pays for durability. Plain IMAP with AUTH PLAIN: no TLS for either side.
  return [
    'FSync no',
    '',
    'IMAPAccount bench',
    `Host ${target.host}`,
    `Port ${target.port}`,
    `User ${target.user}`,
    `Pass ${target.password}`,
    'SSLType None',
    'AuthMechs PLAIN',
    '',
    'IMAPStore bench-far',
    'Account bench',
    '',
    'MaildirStore bench-near',
    `Path ${maildirRoot}/`,
    `Inbox ${maildirRoot}/INBOX`,
    'SubFolders Verbatim',
    '',
    'Channel bench',
    'Far :bench-far:',
    'Near :bench-near:',
    `Patterns ${target.folder}`,
    'Sync Pull',
    'Create Near',
    'SyncState *',
    '',
  ].join('\n');
}

/** Writes the config and runs `mbsync -a` once, from an empty local Maildir. */
export async function runMbsync(target: MbsyncTarget, workDir: string, onStart?: (child: ChildProcess) => void): Promise<MbsyncResult> {
  const maildirRoot = path.join(workDir, 'mbsync-maildir');
  fs.rmSync(maildirRoot, { recursive: true, force: true });
  fs.mkdirSync(maildirRoot, { recursive: true });
  const configPath = path.join(workDir, 'mbsyncrc');
  fs.writeFileSync(configPath, mbsyncConfig(target, maildirRoot), { mode: 0o600 });
  const run = await runMeasured('mbsync', ['-c', configPath, '-a'], { env: process.env, cwd: workDir, ...(onStart ? { onStart } : {}) });
  const { messages, bytes } = countMaildirFiles(path.join(maildirRoot, target.folder));
  return { ...run, configPath, messages, bytes };
}

function countMaildirFiles(folderDir: string): { messages: number; bytes: number } {
  let messages = 0;
  let bytes = 0;
  for (const sub of ['cur', 'new']) {
    const dir = path.join(folderDir, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      messages++;
      bytes += fs.statSync(path.join(dir, name)).size;
    }
  }
  return { messages, bytes };
}
