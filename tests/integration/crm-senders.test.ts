import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '@/db/client';
import { companyDomains, mailFolders, mailMessages, type MailAccount, type User } from '@/db/schema';
import { companyFieldsSchema, createCompany, getCompany } from '@/lib/crm/companies';
import { contactFieldsSchema, createContact, findContactsByAddresses, getContact } from '@/lib/crm/contacts';
import { addAddressFromMessage, addContactFromMessage, addSenderContactSchema, countEarlierMailForContact, unknownSendersOfMessage } from '@/lib/crm/senders';
import { parseMessage } from '@/lib/mail/mime';
import { searchLexemes, tsvectorLiteral } from '@/lib/search';
import { describeOnEachDatabase } from '../harness/databases';
import { aliceAccountImporting } from '../harness/mail-accounts';

/** Stores a message as the importer would: parsed columns and the search vector from the same parser. */
async function storeMessage(db: Database, account: MailAccount, folderPath: string, headers: string[], body = 'Hello.'): Promise<string> {
  const [folder] = await db.select().from(mailFolders).where(and(eq(mailFolders.accountId, account.id), eq(mailFolders.path, folderPath)));
  const source = Buffer.from(`${[...headers, `Message-ID: <${crypto.randomUUID()}@test>`, 'Content-Type: text/plain; charset=utf-8'].join('\r\n')}\r\n\r\n${body}\r\n`);
  const parsed = parseMessage(source);
  const [row] = await db
    .insert(mailMessages)
    .values({
      accountId: account.id,
      folderId: folder!.id,
      uidValidity: 1,
      uid: crypto.randomInt(1, 2 ** 31),
      messageId: parsed.messageId,
      threadId: crypto.randomUUID(),
      fromAddresses: parsed.from,
      toAddresses: parsed.to,
      ccAddresses: parsed.cc,
      subject: parsed.subject,
      receivedAt: new Date(),
      size: source.length,
      textBody: parsed.textBody,
      search: sql`${tsvectorLiteral(searchLexemes(parsed.searchText))}::tsvector`,
    })
    .returning({ id: mailMessages.id });
  return row!.id;
}

describeOnEachDatabase('unknown senders and earlier mail', (open) => {
  let handle: DatabaseHandle;
  let mine: MailAccount;
  let theirs: MailAccount;
  let me: User;
  let other: User;
  const tag = crypto.randomBytes(3).toString('hex');
  const carol = `carol.${tag}@acme-corp.test`;

  beforeAll(async () => {
    process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 9).toString('base64')}`;
    handle = await open();
    mine = await aliceAccountImporting(handle.db, []);
    theirs = await aliceAccountImporting(handle.db, []);
    me = { id: mine.userId } as User;
    other = { id: theirs.userId } as User;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('finds contacts by any of their addresses, whatever the case, several for a shared address', async () => {
    const { db } = handle;
    const shared = `info.${tag}@shared.test`;
    const a = await createContact(db, me, contactFieldsSchema.parse({ firstName: 'Ann', lastName: 'A', emails: [`ann.${tag}@x.test`, shared] }));
    const b = await createContact(db, me, contactFieldsSchema.parse({ firstName: 'Bo', lastName: 'B', emails: [shared] }));
    const rows = await findContactsByAddresses(db, other, [`ANN.${tag}@X.test`, ` ${shared.toUpperCase()} `, `nobody.${tag}@x.test`, 'not an address']);
    expect(rows.map((row) => [row.address, row.contactId]).sort()).toEqual(
      [
        [`ann.${tag}@x.test`, a.id],
        [shared, a.id],
        [shared, b.id],
      ].sort(),
    );
    expect(rows.find((row) => row.contactId === b.id)?.name).toBe('Bo B');
    expect(await findContactsByAddresses(db, me, [])).toEqual([]);
  });

  it('offers an unknown sender with a name from the header and a company from the domain; never for free mail', async () => {
    const { db } = handle;
    const acme = await createCompany(db, me, companyFieldsSchema.parse({ name: `Acme ${tag}`, domains: `acme-corp.test` }));
    const fromAcme = await storeMessage(db, mine, 'INBOX', [`From: "Customer, Carol" <${carol.toUpperCase()}>`, `To: alice@example.test`, 'Subject: Offer']);
    const fromGmail = await storeMessage(db, mine, 'INBOX', [`From: gus+${tag}@gmail.com`, 'To: alice@example.test', 'Subject: Hi']);
    const sent = await storeMessage(db, mine, 'Sent', ['From: Alice <alice@example.test>', `To: Dan Dev <dan.${tag}@devs-r-us.test>, ${carol}`, 'Subject: Re: Offer']);

    const [unknown] = (await unknownSendersOfMessage(db, me, fromAcme))!;
    expect(unknown).toMatchObject({ address: carol, role: 'from', firstName: 'Carol', lastName: 'Customer', freeMail: false, domainCompanies: [{ id: acme.id, name: `Acme ${tag}` }], proposedCompanyName: 'Acme Corp' });
    expect((await unknownSendersOfMessage(db, me, fromGmail))![0]).toMatchObject({ firstName: 'Gus', lastName: '', freeMail: true, domainCompanies: [], proposedCompanyName: '' });
    // Outgoing mail: its recipients, never the account's own address.
    expect((await unknownSendersOfMessage(db, me, sent))!.map((entry) => [entry.address, entry.role])).toEqual([
      [`dan.${tag}@devs-r-us.test`, 'to'],
      [carol, 'to'],
    ]);
    // Another user's message is not there for them.
    expect(await unknownSendersOfMessage(db, other, fromAcme)).toBeNull();
  });

  it('adds a sender with a company created from the domain, after which the address is known', async () => {
    const { db } = handle;
    const address = `eve.${tag}@eve-labs.test`;
    const messageId = await storeMessage(db, mine, 'INBOX', [`From: Eve Labs <${address}>`, 'To: alice@example.test', 'Subject: Labs']);
    const input = addSenderContactSchema.parse({ messageId, address, firstName: 'Eve', lastName: 'Labs', companyChoice: 'new', companyName: 'Eve Labs' });
    // Someone else cannot add from my message.
    await expect(addContactFromMessage(db, other, input)).rejects.toMatchObject({ messageKey: 'senders.messageGone' });
    await expect(addContactFromMessage(db, me, { ...input, address: `mallory.${tag}@x.test` })).rejects.toMatchObject({ messageKey: 'senders.addressNotInMessage' });

    const saved = await addContactFromMessage(db, me, input);
    expect(saved).toMatchObject({ address, contactName: 'Eve Labs', earlierMail: 1 });
    const contact = await getContact(db, me, saved.contactId);
    expect(contact?.emails.map((email) => email.address)).toEqual([address]);
    const company = await getCompany(db, me, contact!.companyId!);
    expect(company).toMatchObject({ name: 'Eve Labs', domains: ['eve-labs.test'] });
    expect(await unknownSendersOfMessage(db, me, messageId)).toEqual([]);

    // Free mail never creates a company, even when asked directly.
    const gmailMessage = await storeMessage(db, mine, 'INBOX', [`From: Fay <fay.${tag}@gmail.com>`, 'To: alice@example.test', 'Subject: Hello']);
    const freeInput = addSenderContactSchema.parse({ messageId: gmailMessage, address: `fay.${tag}@gmail.com`, firstName: 'Fay', companyChoice: 'new', companyName: 'Gmail' });
    await expect(addContactFromMessage(db, me, freeInput)).rejects.toMatchObject({ messageKey: 'senders.freeMailCompany' });
    expect(await db.select().from(companyDomains).where(eq(companyDomains.domain, 'gmail.com'))).toEqual([]);
  });

  it('adds an address to an existing contact, keeping its primary address', async () => {
    const { db } = handle;
    const existing = await createContact(db, me, contactFieldsSchema.parse({ firstName: 'Gil', lastName: 'Old', emails: [`gil.${tag}@old.test`], phones: ['08-123 45'], phoneLabels: ['mobile'] }));
    const address = `gil.${tag}@new.test`;
    const messageId = await storeMessage(db, mine, 'INBOX', [`From: Gil <${address}>`, 'To: alice@example.test', 'Subject: New job']);
    const saved = await addAddressFromMessage(db, me, { messageId, address, contactId: existing.id });
    expect(saved).toMatchObject({ contactId: existing.id, earlierMail: 1 });
    const contact = await getContact(db, me, existing.id);
    expect(contact?.emails).toEqual([
      { address: `gil.${tag}@old.test`, isPrimary: true, sharedWith: [] },
      { address, isPrimary: false, sharedWith: [] },
    ]);
    expect(contact?.phones).toEqual([{ number: '08-123 45', label: 'mobile' }]);
    expect(await unknownSendersOfMessage(db, me, messageId)).toEqual([]);
  });

  it("counts a contact's earlier mail in the viewer's own mailbox only: from, to or cc, any case, not mere mentions", async () => {
    const { db } = handle;
    const hal = `hal.${tag}@hal.test`;
    const contact = await createContact(db, me, contactFieldsSchema.parse({ firstName: 'Hal', emails: [hal, `h2.${tag}@hal.test`] }));
    await storeMessage(db, mine, 'INBOX', [`From: HAL <${hal.toUpperCase()}>`, 'To: alice@example.test', 'Subject: 1']);
    await storeMessage(db, mine, 'Sent', ['From: alice@example.test', `To: x@y.test`, `Cc: ${hal}`, 'Subject: 2']);
    await storeMessage(db, mine, 'INBOX', ['From: x@y.test', 'To: alice@example.test', `Subject: 3`], `Write to ${hal} instead.`);
    await storeMessage(db, mine, 'INBOX', [`From: h2.${tag}@hal.test`, 'To: alice@example.test', 'Subject: 4']);
    // The same mail in another user's mailbox is theirs, never counted for me.
    await storeMessage(db, theirs, 'INBOX', [`From: ${hal}`, 'To: alice@example.test', 'Subject: 5']);

    expect(await countEarlierMailForContact(db, me, contact.id)).toEqual({ count: 3, addresses: [hal, `h2.${tag}@hal.test`] });
    expect(await countEarlierMailForContact(db, me, contact.id, { addresses: [hal.toUpperCase()] })).toEqual({ count: 2, addresses: [hal] });
    expect((await countEarlierMailForContact(db, other, contact.id)).count).toBe(1);
    expect(await countEarlierMailForContact(db, me, contact.id, { addresses: ['unrelated@x.test'] })).toEqual({ count: 0, addresses: [] });
    expect(await countEarlierMailForContact(db, me, 'not-a-uuid')).toEqual({ count: 0, addresses: [] });
  });
});
