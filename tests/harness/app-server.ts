import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { freePort, settlesWithin } from './net';

export interface RunningApp {
  baseUrl: string;
  /** Everything the server printed, for tests that inspect logs. */
  output(): string;
  stop(): Promise<void>;
}

/** Builds the production app once per checkout; `npm test` builds before the browser tests, so this rarely runs. */
export async function ensureBuilt(): Promise<void> {
  if (fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npx', ['next', 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}

export function testSecrets() {
  return {
    AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
    MAIL_ENCRYPTION_KEY: `test1:${crypto.randomBytes(32).toString('base64')}`,
  };
}

/** `next start` of the built app on a free port, as production runs it. */
export async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(path.join(process.cwd(), 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not become healthy in 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    baseUrl,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, 10_000))) child.kill('SIGKILL');
    },
  };
}
