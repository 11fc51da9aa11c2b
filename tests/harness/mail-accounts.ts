import crypto from 'node:crypto';
import { inject } from 'vitest';
import type { Database } from '@/db/client';
import { mailFolders, type MailAccount } from '@/db/schema';
import { saveMailAccount } from '@/lib/mail/account';
import { createUser } from '@/lib/users/service';
import type { MailServers } from './mail-servers';

/**
 * A CRM user whose saved mail account is the harness's alice mailbox, importing only `folders`.
 * Test files share alice's mailbox and deliver into it concurrently, so each imports folders of its own;
 * INBOX and Sent are recorded as known but switched off.
 */
export async function aliceAccountImporting(db: Database, folders: string[]): Promise<MailAccount> {
  const servers = inject('mailServers');
  const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
  const user = await createUser(db, {
    name: 'Importer',
    email: `importer-${crypto.randomBytes(4).toString('hex')}@crm.test`,
    password: 'importer password 1',
    role: 'member',
  });
  const account = await saveMailAccount(db, user.id, {
    emailAddress: alice.email,
    displayName: 'Alice',
    imap: { host: 'localhost', port: servers.imapTlsPort, tls: 'implicit', username: alice.email, password: alice.password },
    smtp: { host: 'localhost', port: servers.smtpTlsPort, tls: 'implicit', username: alice.email, password: alice.password },
    source: 'manual',
  });
  await db.insert(mailFolders).values([
    { accountId: account.id, path: 'INBOX', name: 'INBOX', delimiter: '/', selectedForImport: false },
    { accountId: account.id, path: 'Sent', name: 'Sent', delimiter: '/', selectedForImport: false },
    ...folders.map((path) => ({ accountId: account.id, path, name: path, delimiter: '/', selectedForImport: true })),
  ]);
  return account;
}

/**
 * A CRM user whose account is alice's mailbox on a mail server instance of the test file's own
 * (over the plain port: that instance's CA is not the one the test workers trust), importing only
 * `folders` (INBOX recorded as known but switched off).
 */
export async function aliceAccountOnOwnServers(db: Database, servers: MailServers, folders: string[]): Promise<MailAccount> {
  const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
  const user = await createUser(db, { name: 'Own servers', email: `own-${crypto.randomBytes(4).toString('hex')}@crm.test`, password: 'own servers password 1', role: 'member' });
  const settings = { host: servers.host, port: servers.imapPlainPort, tls: 'none' as const, username: alice.email, password: alice.password };
  const account = await saveMailAccount(db, user.id, {
    emailAddress: alice.email,
    displayName: 'Alice',
    imap: settings,
    smtp: { ...settings, port: servers.smtpPlainPort },
    source: 'manual',
  });
  await db.insert(mailFolders).values([
    { accountId: account.id, path: 'INBOX', name: 'INBOX', delimiter: '/', selectedForImport: false },
    ...folders.map((path) => ({ accountId: account.id, path, name: path, delimiter: '/', selectedForImport: true })),
  ]);
  return account;
}
