import { execFile as execFileCallback, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { freePort, settlesWithin } from './net';

const execFile = promisify(execFileCallback);

export interface RunningApp {
  baseUrl: string;
  /** The server process (the script exec's node in its place), e.g. to read its memory from /proc. */
  pid: number | undefined;
  /** Everything the server printed, for tests that inspect logs. */
  output(): string;
  stop(): Promise<void>;
}

/** The script the container image starts with; the tests start the app the same way. */
export const START_STANDALONE_SCRIPT = path.join(process.cwd(), 'scripts', 'start-standalone.sh');
/** The self-contained server that `next build` writes with output: 'standalone'. */
export const STANDALONE_SERVER = path.join(process.cwd(), '.next', 'standalone', 'server.js');

/**
 * Builds the production app once per checkout (`npm test` builds before the browser tests, so the
 * build itself rarely runs here), then completes the standalone output as the container image does.
 * A build from before output: 'standalone' has no server.js and is rebuilt.
 */
export async function ensureBuilt(): Promise<void> {
  if (!fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID')) || !fs.existsSync(STANDALONE_SERVER)) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('npx', ['next', 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
    });
  }
  await execFile('bash', [START_STANDALONE_SCRIPT, 'assemble']);
}

export function testSecrets() {
  return {
    AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
    MAIL_ENCRYPTION_KEY: `test1:${crypto.randomBytes(32).toString('base64')}`,
  };
}

/**
 * The standalone server of the built app on a free port, started like the container starts it
 * (scripts/start-standalone.sh: migrations, then `node server.js` in its place), so the browser
 * tests prove the artifact that ships rather than `next start` on the source tree.
 */
export async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn('bash', [START_STANDALONE_SCRIPT], {
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env, PORT: String(port), HOSTNAME: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the standalone server exited early:\n${output}`);
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
    pid: child.pid,
    output: () => output,
    async stop() {
      // The script exec'd node, so this signal reaches the server itself, as `docker stop` does.
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, 10_000))) child.kill('SIGKILL');
    },
  };
}
