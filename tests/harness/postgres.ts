import { execFile as execFileCb, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, settlesWithin, waitForPort } from './net';

const execFile = promisify(execFileCb);

export interface TestPostgres {
  /** Connection URL of the cluster's default `postgres` database. */
  adminUrl: string;
  port: number;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL is not installed: run scripts/ensure-system-packages.sh (apt-get install postgresql)');
}

/**
 * A throw-away cluster in a temp dir on a free loopback port. Postgres refuses to run as root,
 * so when we are root the cluster belongs to the `postgres` user that the Debian package creates.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-pg-'));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (asRoot) await execFile('chown', ['postgres', dir]);

  const [initCmd, initArgs] = wrap(path.join(bin, 'initdb'), [
    '-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '-N',
  ]);
  await execFile(initCmd, initArgs);

  const port = await freePort();
  const [pgCmd, pgArgs] = wrap(path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    // Durability buys nothing for throw-away test data; speed does.
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=200',
  ]);
  const child = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Postgres did not start: ${stderr}`, { cause: error });
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let counter = 0;

  return {
    adminUrl,
    port,
    async createDatabase(name) {
      const dbName = name ?? `test_${process.pid}_${Date.now()}_${counter++}`;
      const [cmd, args] = [path.join(bin, 'psql'), [adminUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${dbName}"`]];
      await execFile(cmd, args);
      return `postgres://postgres@127.0.0.1:${port}/${dbName}`;
    },
    async stop() {
      // Signal the postmaster itself: when we run it through runuser, runuser does not pass SIGINT on.
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const postmasterPid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined;
      if (postmasterPid) process.kill(postmasterPid, 'SIGINT');
      else child.kill('SIGINT');
      if (!(await settlesWithin(exited, 10_000))) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
