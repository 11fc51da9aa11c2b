import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { decryptSecret, parseKeyring } from '@/lib/crypto/envelope';
import { getMailAccount , passwordAad } from '@/lib/mail/account';
import { findUserByEmail } from '@/lib/users/service';
import { freshPostgres } from '../harness/databases';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const oldKey = `old1:${Buffer.alloc(32, 1).toString('base64')}`;
const newKey = `new2:${Buffer.alloc(32, 2).toString('base64')}`;

let handle: DatabaseHandle;
let baseEnv: Record<string, string>;

const packageScripts = (JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The npm script that runs scripts/<file>.ts. */
function npmScriptFor(file: string): string {
  const name = Object.keys(packageScripts).find((key) => packageScripts[key]!.endsWith(`scripts/${file}.ts`));
  if (!name) throw new Error(`no npm script runs scripts/${file}.ts`);
  return name;
}

/** Runs an npm script the way an admin would (npm run, so bundled commands run bundled), with `stdin` piped in. */
function runScript(script: string, args: string[], stdin: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', npmScriptFor(script), '--', ...args], { env: { ...process.env, ...baseEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  const fresh = await freshPostgres();
  handle = fresh.handle;
  baseEnv = {
    DATABASE_URL: fresh.url,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-')),
    MAIL_ENCRYPTION_KEY: oldKey,
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    NODE_ENV: 'development',
  };
});
afterAll(async () => {
  await handle?.close();
});

describe('admin command-line tools', () => {
  it('every command that imports mail runs as a bundle, not under tsx (whose compiler and CommonJS shims cost memory and time)', () => {
    const importing = Object.entries(packageScripts).filter(([, command]) => {
      const file = /scripts\/([\w-]+)\.ts$/.exec(command)?.[1];
      return file !== undefined && !file.startsWith('bench') && /from '@\/lib\/mail\/sync'/.test(fs.readFileSync(path.join('scripts', `${file}.ts`), 'utf8'));
    });
    expect(importing.map(([name]) => name).sort()).toEqual(['mail:connect', 'mail:import', 'mail:reprocess']);
    for (const [name, command] of importing) expect(command, name).toMatch(/^node scripts\/run-bundled\.mjs /);
  });

  it('user:create makes an admin with the password from stdin, and refuses a duplicate', async () => {
    const created = await runScript('user-create', ['--email', 'Ops@Example.test', '--name', 'Ops Admin', '--admin'], 'ops admin password\n');
    expect(created.code, created.stderr).toBe(0);
    expect(await findUserByEmail(handle.db, 'ops@example.test')).toMatchObject({ role: 'admin', name: 'Ops Admin' });

    const duplicate = await runScript('user-create', ['--email', 'ops@example.test', '--name', 'Again'], 'ops admin password\n');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
  });

  it('mail:connect verifies before saving: a wrong password is reported per half and saves nothing', async () => {
    const args = ['--user', 'ops@example.test', '--email', alice.email, '--imap', `${servers.host}:${servers.imapTlsPort}`, '--imap-ssl', 'on', '--smtp', `${servers.host}:${servers.smtpTlsPort}`, '--smtp-ssl', 'on'];
    const wrong = await runScript('mail-connect', args, 'wrong password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/IMAP: auth_failed/);
    expect(wrong.stderr).toMatch(/SMTP: auth_failed/);
    const user = await findUserByEmail(handle.db, 'ops@example.test');
    expect(await getMailAccount(handle.db, user!.id)).toBeUndefined();

    const right = await runScript('mail-connect', args, `${alice.password}\n`);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`Connected ${alice.email}`);
    expect(right.stdout).toMatch(/First import: \d+ message\(s\) added/);
    expect(await getMailAccount(handle.db, user!.id)).toMatchObject({ imapTls: 'implicit', emailAddress: alice.email });
  });

  it('mail:rotate-key re-encrypts stored passwords under the new key', async () => {
    const rotated = await runScript('mail-rotate-key', [], '', { MAIL_ENCRYPTION_KEY: newKey, MAIL_ENCRYPTION_PREVIOUS_KEYS: oldKey });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('re-encrypted 1');

    const user = await findUserByEmail(handle.db, 'ops@example.test');
    const account = await getMailAccount(handle.db, user!.id);
    expect(account!.imapPasswordEncrypted).toMatch(/^v1\.new2\./);
    expect(account!.smtpPasswordEncrypted).toMatch(/^v1\.new2\./);
    // Readable with the new key alone: the old one can now be retired.
    const newOnly = parseKeyring(newKey);
    expect(decryptSecret(account!.imapPasswordEncrypted!, newOnly, passwordAad(user!.id, 'imap'))).toBe(alice.password);

    const again = await runScript('mail-rotate-key', [], '', { MAIL_ENCRYPTION_KEY: newKey, MAIL_ENCRYPTION_PREVIOUS_KEYS: oldKey });
    expect(again.stdout).toContain('re-encrypted 0');
  });

  it('mail:autodetect answers for a big provider without any network', async () => {
    const detected = await runScript('mail-autodetect', ['someone@outlook.com'], '');
    expect(detected.code).toBe(0);
    expect(JSON.parse(detected.stdout)).toMatchObject({ imap: { host: 'outlook.office365.com', port: 993, tls: 'implicit' }, source: 'builtin' });
  });
});
