import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, settlesWithin } from '../harness/net';

/** Starts the production build with the given environment and collects what it prints until it exits. */
async function startProduction(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(path.join(process.cwd(), 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  if (!(await settlesWithin(exited, 20_000))) {
    child.kill('SIGKILL');
    return { code: null, output };
  }
  return { code: await exited, output };
}

describe('starting in production', () => {
  it('refuses to start without DATABASE_URL and says why', async () => {
    const { code, output } = await startProduction({ AUTH_SECRET: 'x'.repeat(40), MAIL_ENCRYPTION_KEY: `k1:${Buffer.alloc(32).toString('base64')}` });
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL is not set');
    expect(output).toContain('ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION=true');
  });

  it('names a missing AUTH_SECRET', async () => {
    const { code, output } = await startProduction({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', MAIL_ENCRYPTION_KEY: `k1:${Buffer.alloc(32).toString('base64')}` });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_SECRET is required in production');
  });
});
