import crypto from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import type { User } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { saveMailAccount, type MailAccountSettings } from '@/lib/mail/account';
import { composeSchema, type ComposedMessage , findSentFolder, sendMail } from '@/lib/mail/compose';
import { updatePreferences } from '@/lib/preferences/service';
import { createUser } from '@/lib/users/service';
import { freshPostgres } from '../harness/databases';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const bob = servers.users.find((user) => user.email === 'bob@example.test')!;
const SIGNATURE = 'Alice Example\nSales, Example AB';

/** Alice's mailbox as the connect flow would have saved it: STARTTLS on both, certificate checked against "localhost". */
function aliceAccount(overrides: { smtpPassword?: string } = {}): MailAccountSettings {
  return {
    emailAddress: alice.email,
    displayName: 'Alice Example',
    imap: { host: 'localhost', port: servers.imapStarttlsPort, tls: 'starttls', username: alice.email, password: alice.password },
    smtp: { host: 'localhost', port: servers.smtpSubmissionPort, tls: 'starttls', username: alice.email, password: overrides.smtpPassword ?? alice.password },
    source: 'manual',
  };
}

/** A subject no other test (or earlier run) uses, so searches find only this test's message. */
const uniqueSubject = (label: string) => `${label} ${crypto.randomBytes(4).toString('hex')}`;

interface StoredMessage {
  parsed: ParsedMail;
  flags: Set<string>;
}

/** Looks for a message by subject in a mailbox folder, waiting up to `waitMs` for delivery (Postfix hands over to Dovecot asynchronously). */
async function findMessage(owner: { email: string; password: string }, folder: string, subject: string, waitMs = 15_000): Promise<StoredMessage | undefined> {
  const client = new ImapFlow({
    host: 'localhost',
    port: servers.imapTlsPort,
    secure: true,
    auth: { user: owner.email, pass: owner.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const lock = await client.getMailboxLock(folder);
      try {
        const [uid] = (await client.search({ subject }, { uid: true })) || [];
        if (uid !== undefined) {
          const message = await client.fetchOne(String(uid), { source: true, flags: true }, { uid: true });
          if (message && message.source) return { parsed: await simpleParser(message.source), flags: message.flags ?? new Set() };
        }
      } finally {
        lock.release();
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((entry) => entry.address));

function message(fields: Partial<Record<'to' | 'cc' | 'bcc' | 'subject' | 'body', string>>): ComposedMessage {
  return composeSchema.parse(fields);
}

async function sendFailure(run: Promise<unknown>): Promise<UserFacingError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UserFacingError)) throw new Error(`expected a UserFacingError, got ${String(error)}`);
  return error;
}

let handle: DatabaseHandle;
let user: User;

beforeAll(async () => {
  // The harness's servers live on loopback, which the SSRF guard refuses unless the admin allows it.
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 7).toString('base64')}`;
  ({ handle } = await freshPostgres());
  user = await createUser(handle.db, { name: 'Alice CRM', email: 'alice-crm@example.test', password: 'alice crm password', role: 'member' });
  await updatePreferences(handle.db, user.id, { signature: SIGNATURE });
});
afterAll(async () => {
  await handle?.close();
});

describe('sendMail through real Postfix, with the copy filed by Dovecot', () => {
  it('refuses to send without a connected mailbox', async () => {
    const error = await sendFailure(sendMail(handle.db, user, message({ to: bob.email, subject: 'No account' })));
    expect(error.messageKey).toBe('compose.noAccount');
  });

  it("delivers to bob's INBOX with subject, body and signature, and files a read copy in alice's Sent", async () => {
    await saveMailAccount(handle.db, user.id, aliceAccount());
    const subject = uniqueSubject('Offer for Q3 – åäö');
    const result = await sendMail(
      handle.db,
      user,
      message({ to: `Bob <${bob.email}>`, bcc: 'boss@elsewhere.example', subject, body: 'Hello Bob,\r\n\r\nhere is the offer.\r\n' }),
    );
    expect(result).toMatchObject({
      acceptedRecipients: expect.arrayContaining([bob.email, 'boss@elsewhere.example']),
      rejectedRecipients: [],
      sentCopy: { status: 'saved', folder: 'Sent' },
    });
    expect(result.messageId).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);

    const received = await findMessage(bob, 'INBOX', subject);
    expect(received, "the message did not arrive in bob's INBOX").toBeDefined();
    const { parsed } = received!;
    expect(parsed.subject).toBe(subject);
    expect(parsed.messageId).toBe(result.messageId);
    expect(parsed.from?.value).toEqual([{ name: 'Alice Example', address: alice.email }]);
    expect(addressesOf(parsed.to)).toEqual([bob.email]);
    expect(parsed.text?.trimEnd()).toBe(`Hello Bob,\n\nhere is the offer.\n\n-- \n${SIGNATURE}`);
    // Recipients never learn who was copied blind.
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('bcc')).toBe(false);

    const copy = await findMessage(alice, 'Sent', subject, 0);
    expect(copy, "no copy in alice's Sent").toBeDefined();
    expect(copy!.parsed.messageId).toBe(result.messageId);
    expect(copy!.flags.has('\\Seen')).toBe(true);
    // The sender's copy does remember the blind copies.
    expect(addressesOf(copy!.parsed.bcc)).toEqual(['boss@elsewhere.example']);
  });

  it('reports a wrong SMTP password as such, sends nothing and files nothing', async () => {
    await saveMailAccount(handle.db, user.id, aliceAccount({ smtpPassword: 'not-alices-password' }));
    const subject = uniqueSubject('Wrong password');
    const error = await sendFailure(sendMail(handle.db, user, message({ to: bob.email, subject, body: 'x' })));
    expect(error.messageKey).toBe('compose.sendFailed.auth_failed');
    expect(error.values).toMatchObject({ server: `localhost:${servers.smtpSubmissionPort}` });
    expect(await findMessage(alice, 'Sent', subject, 0)).toBeUndefined();
    expect(await findMessage(bob, 'INBOX', subject, 2_000)).toBeUndefined();
  });

  // The harness's Postfix refuses address literals at RCPT time ("local delivery is disabled"). The
  // composer never lets such an address through, so these messages are built without its schema.
  const refusedAddress = 'someone@[127.0.0.1]';

  it('names the refused recipient, and marks its field, when the server refuses every recipient; files nothing', async () => {
    await saveMailAccount(handle.db, user.id, aliceAccount());
    const subject = uniqueSubject('All refused');
    const error = await sendFailure(
      sendMail(handle.db, user, { to: [], cc: [{ name: 'Someone', address: refusedAddress }], bcc: [], subject, body: 'x' }),
    );
    expect(error.messageKey).toBe('compose.recipientsRejected');
    expect(error.values).toEqual({ recipients: refusedAddress, count: 1 });
    expect(error.field).toBe('cc');
    expect(await findMessage(alice, 'Sent', subject, 0)).toBeUndefined();
  });

  it('sends to the others when one recipient is refused, and says whom it did not reach', async () => {
    const subject = uniqueSubject('Partly refused');
    const result = await sendMail(handle.db, user, {
      to: [
        { name: 'Bob', address: bob.email },
        { name: '', address: refusedAddress },
      ],
      cc: [],
      bcc: [],
      subject,
      body: 'x',
    });
    expect(result).toMatchObject({ acceptedRecipients: [bob.email], rejectedRecipients: [refusedAddress], sentCopy: { status: 'saved' } });
    expect(await findMessage(bob, 'INBOX', subject)).toBeDefined();
  });

  it('sends over implicit TLS too', async () => {
    await saveMailAccount(handle.db, user.id, {
      ...aliceAccount(),
      imap: { ...aliceAccount().imap, port: servers.imapTlsPort, tls: 'implicit' },
      smtp: { ...aliceAccount().smtp, port: servers.smtpTlsPort, tls: 'implicit' },
    });
    const subject = uniqueSubject('Implicit TLS');
    expect(await sendMail(handle.db, user, message({ to: bob.email, subject, body: 'x' }))).toMatchObject({ sentCopy: { status: 'saved' } });
    expect(await findMessage(bob, 'INBOX', subject)).toBeDefined();
  });

  it('reports a closed SMTP port as a refused connection', async () => {
    await saveMailAccount(handle.db, user.id, { ...aliceAccount(), smtp: { ...aliceAccount().smtp, port: 1 } });
    const error = await sendFailure(sendMail(handle.db, user, message({ to: bob.email, subject: 'Closed port' })));
    expect(error.messageKey).toBe('compose.sendFailed.connection_refused');
  });
});

describe('findSentFolder', () => {
  const folder = (path: string, specialUse?: string) => ({ path, name: path.split(/[/.]/).pop() ?? path, ...(specialUse ? { specialUse } : {}) });

  it('prefers the folder marked \\Sent over any name', () => {
    expect(findSentFolder([folder('INBOX'), folder('Sent'), folder('Skickat', '\\Sent')])).toBe('Skickat');
  });

  it('falls back to the usual names, also below INBOX', () => {
    expect(findSentFolder([folder('INBOX'), folder('Sent Items')])).toBe('Sent Items');
    expect(findSentFolder([folder('INBOX'), folder('INBOX.Skickade objekt')])).toBe('INBOX.Skickade objekt');
    expect(findSentFolder([folder('INBOX'), folder('[Gmail]/Sent Mail')])).toBe('[Gmail]/Sent Mail');
  });

  it('finds nothing in a mailbox without one', () => {
    expect(findSentFolder([folder('INBOX'), folder('Drafts', '\\Drafts')])).toBeUndefined();
  });
});
