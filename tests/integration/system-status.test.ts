import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { configurationStatus, importStatusByAccount, schemaVersion } from '@/lib/system/status';
import { describeOnEachDatabase } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';

describeOnEachDatabase('the System page’s figures', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 5).toString('base64')}`;
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('knows the database schema is the one this code needs', async () => {
    const schema = await schemaVersion(handle.db);
    expect(schema.upToDate).toBe(true);
    expect(schema.applied).toBe(schema.expected);
  });

  it('lists each account with its owner and message count, never a password', async () => {
    const account = await aliceAccountImporting(handle.db, []);
    const rows = await importStatusByAccount(handle.db);
    expect(rows).toEqual([expect.objectContaining({ accountId: account.id, emailAddress: 'alice@example.test', messages: 0, status: 'ok' })]);
    expect(JSON.stringify(rows)).not.toContain('alice-secret-1');
  });

  it('says which required settings are set without their values', () => {
    const status = configurationStatus({ DATABASE_URL: 'postgres://secret@db/x', AUTH_SECRET: '' }, []);
    expect(status).toEqual([
      { name: 'DATABASE_URL', state: 'set' },
      { name: 'AUTH_SECRET', state: 'notSet' },
      { name: 'MAIL_ENCRYPTION_KEY', state: 'notSet' },
      { name: 'CRON_SECRET', state: 'notSet' },
    ]);
    expect(JSON.stringify(status)).not.toContain('secret@db');
  });
});
