import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { START_STANDALONE_SCRIPT, STANDALONE_SERVER, testSecrets } from '../harness/app-server';
import { emptyPostgresDatabase } from '../harness/databases';
import { freePort, settlesWithin } from '../harness/net';

interface Finished {
  code: number | null;
  output: string;
}

/** Runs a command with only the given environment (plus PATH and HOME) and collects what it prints until it exits. */
async function run(command: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 20_000): Promise<Finished> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  if (!(await settlesWithin(exited, timeoutMs))) {
    child.kill('SIGKILL');
    return { code: null, output };
  }
  return { code: await exited, output };
}

/** The standalone server on its own (what runs after the migration step, and on other hosts). */
async function startStandaloneServer(env: Record<string, string | undefined>): Promise<Finished> {
  return run('node', [STANDALONE_SERVER], { PORT: String(await freePort()), HOSTNAME: '127.0.0.1', ...env });
}

const someKey = `k1:${Buffer.alloc(32).toString('base64')}`;

describe('starting in production', () => {
  it('refuses to start without DATABASE_URL and says why', async () => {
    const { code, output } = await startStandaloneServer({ AUTH_SECRET: 'x'.repeat(40), MAIL_ENCRYPTION_KEY: someKey });
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL is not set');
    expect(output).toContain('ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION=true');
  });

  it('names a missing AUTH_SECRET', async () => {
    const { code, output } = await startStandaloneServer({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', MAIL_ENCRYPTION_KEY: someKey });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_SECRET is required in production');
  });

  it("the container's start script migrates an empty database (the one-shot `migrate` step)", async () => {
    const url = await emptyPostgresDatabase();

    const first = await run('bash', [START_STANDALONE_SCRIPT, 'migrate'], { DATABASE_URL: url, ...testSecrets() });
    expect(first.output).toContain('Database migrated.');
    expect(first.code).toBe(0);
    // Starting a container again must not fail on a database that is already up to date.
    const again = await run('bash', [START_STANDALONE_SCRIPT, 'migrate'], { DATABASE_URL: url, ...testSecrets() });
    expect(again.code).toBe(0);

    const { default: postgres } = await import('postgres');
    const database = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [usersTable] = await database<{ name: string | null }[]>`select to_regclass('public.users')::text as name`;
      expect(usersTable?.name).toBe('users');
    } finally {
      await database.end();
    }
  });

  it('the start script refuses, like the server, to migrate a production install without DATABASE_URL', async () => {
    const { code, output } = await run('bash', [START_STANDALONE_SCRIPT, 'migrate'], testSecrets());
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL is not set');
  });
});

describe('starting on the embedded database', () => {
  it('opens the database as the server starts, before any request, so the first page does not wait for it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-start-'));
    const port = await freePort();
    const child = spawn('bash', [START_STANDALONE_SCRIPT, 'serve'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        DATA_DIR: dataDir,
        ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION: 'true',
        IMPORT_INTERVAL_SECONDS: '0',
        ...testSecrets(),
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    try {
      // Nothing is requested: the server must open (create and migrate) the database on its own.
      const deadline = Date.now() + 120_000;
      while (!output.includes('"msg":"database ready"')) {
        if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
        if (Date.now() > deadline) throw new Error(`the database was not opened at start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${port}/sign-in`, { redirect: 'manual' });
      const elapsed = Date.now() - started;
      // No users yet: sign-in sends the first visitor to the first-run page.
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toContain('/setup');
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, 10_000))) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
