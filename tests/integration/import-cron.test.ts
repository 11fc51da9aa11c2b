import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { freshPostgres } from '../harness/databases';

const CRON_SECRET = 'cron-secret-for-the-import-route-test';
let handle: DatabaseHandle;

beforeAll(async () => {
  const fresh = await freshPostgres();
  handle = fresh.handle;
  // Read by env() on the route's first call, which happens after this.
  process.env.DATABASE_URL = fresh.url;
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cron-'));
  process.env.CRON_SECRET = CRON_SECRET;
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 9).toString('base64')}`;
});
afterAll(async () => {
  // The route opened the app's own client on DATABASE_URL.
  const { getDatabaseHandle } = await import('@/db');
  await (await getDatabaseHandle()).close();
  await handle?.close();
});

const request = (method: 'GET' | 'POST', authorization?: string) =>
  new Request('http://localhost/api/cron/import', { method, headers: authorization ? { authorization } : {} });

describe('/api/cron/import', () => {
  it('refuses a request without the secret or with a wrong one', async () => {
    const { GET, POST } = await import('@/app/api/cron/import/route');
    for (const response of [await GET(request('GET')), await POST(request('POST', 'Bearer not-the-secret')), await GET(request('GET', CRON_SECRET))]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toHaveProperty('error');
    }
  });

  it('runs a pass with the secret and answers with its summary', async () => {
    const { GET, POST, maxDuration, dynamic } = await import('@/app/api/cron/import/route');
    expect({ maxDuration, dynamic }).toEqual({ maxDuration: 60, dynamic: 'force-dynamic' });
    for (const response of [await GET(request('GET', `Bearer ${CRON_SECRET}`)), await POST(request('POST', `Bearer ${CRON_SECRET}`))]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ accounts: [], skippedLocked: 0, workRemaining: false, sends: { sent: [], failed: [], unknown: [] } });
    }
  });
});
