import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { mailFolders, mailMessages } from '@/db/schema';
import { suggestCorrespondents } from '@/lib/mail/compose';
import { describeOnEachDatabase } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';

describeOnEachDatabase('address suggestions in the composer', (open) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 9).toString('base64')}`;
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('offers CRM contacts first, then past correspondents, each once', async () => {
    const { db } = handle;
    const account = await aliceAccountImporting(db, []);
    const [inbox] = await db.select().from(mailFolders).where(sql`${mailFolders.accountId} = ${account.id}`);
    const unique = crypto.randomBytes(3).toString('hex');
    await db.insert(mailMessages).values(
      ['annika@mail.test', 'annika@mail.test', `anders.${unique}@customer.test`].map((address, uid) => ({
        accountId: account.id,
        folderId: inbox!.id,
        uidValidity: 1,
        uid: uid + 1,
        threadId: `t${uid}`,
        receivedAt: new Date(),
        size: 10,
        fromAddresses: [{ name: address.startsWith('annika') ? 'Annika Mail' : 'Anders Customer', address }],
      })),
    );
    const [contact] = await db.execute<{ id: string }>(sql`
      insert into contacts (first_name, last_name, sort_key, search) values ('Anna', 'Svensson', 'svensson anna', ''::tsvector) returning id`).then((result) =>
      Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows,
    );
    await db.execute(sql`insert into contact_emails (contact_id, address, is_primary) values (${contact!.id}, ${`anna.${unique}@kund.test`}, true)`);

    const suggestions = await suggestCorrespondents(db, account.userId, 'an');
    expect(suggestions[0]).toEqual({ name: 'Anna Svensson', address: `anna.${unique}@kund.test` });
    expect(suggestions.map((entry) => entry.address)).toEqual(expect.arrayContaining(['annika@mail.test', `anders.${unique}@customer.test`]));
    expect(new Set(suggestions.map((entry) => entry.address)).size).toBe(suggestions.length);
    expect(await suggestCorrespondents(db, account.userId, 'svens')).toEqual([{ name: 'Anna Svensson', address: `anna.${unique}@kund.test` }]);
  });
});
