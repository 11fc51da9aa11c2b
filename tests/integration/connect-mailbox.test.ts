import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '@/db/client';
import type { User } from '@/db/schema';
import { accountCredentials, deleteMailAccount, getMailAccount ,type  AutodetectDeps , ManualSettingsError, connectManually, connectWithAutodetect, type ManualConnectInput } from '@/lib/mail/account';
import { createUser } from '@/lib/users/service';
import { freshPostgres } from '../harness/databases';

const servers = inject('mailServers');
const alice = servers.users.find((user) => user.email === 'alice@example.test')!;
const host = servers.host;

function manual(overrides: Partial<{ imapPort: number; smtpPort: number; ssl: boolean; password: string; imapServer: string }> = {}): ManualConnectInput {
  const ssl = overrides.ssl ?? false;
  return {
    emailAddress: alice.email,
    displayName: 'Alice Example',
    imap: {
      server: overrides.imapServer ?? `${host}:${overrides.imapPort ?? (ssl ? servers.imapTlsPort : servers.imapStarttlsPort)}`,
      username: alice.email,
      password: overrides.password ?? alice.password,
      ssl,
    },
    smtp: {
      server: `${host}:${overrides.smtpPort ?? (ssl ? servers.smtpTlsPort : servers.smtpSubmissionPort)}`,
      username: alice.email,
      password: overrides.password ?? alice.password,
      ssl,
    },
  };
}

let handle: DatabaseHandle;
let user: User;

beforeAll(async () => {
  // The harness's servers live on loopback, which the SSRF guard refuses unless the admin allows it.
  process.env.MAIL_ALLOW_PRIVATE_HOSTS = 'true';
  process.env.MAIL_ENCRYPTION_KEY = `it1:${Buffer.alloc(32, 3).toString('base64')}`;
  ({ handle } = await freshPostgres());
  user = await createUser(handle.db, { name: 'Alice', email: 'alice-crm@example.test', password: 'alice crm password', role: 'member' });
});
afterAll(async () => {
  await handle?.close();
});

describe('connecting a mailbox on real Dovecot and Postfix', () => {
  it('refuses a wrong password on both halves, names each, and saves nothing', async () => {
    const outcome = await connectManually(handle.db, user.id, manual({ password: 'not-her-password' }));
    expect(outcome).toMatchObject({
      connected: false,
      reason: 'verification_failed',
      imapProblem: { code: 'auth_failed' },
      smtpProblem: { code: 'auth_failed' },
      form: { emailAddress: alice.email, imap: { server: `${host}:${servers.imapStarttlsPort}`, ssl: false } },
    });
    expect(await getMailAccount(handle.db, user.id)).toBeUndefined();
  });

  it('marks only the failing half when SSL is chosen on a STARTTLS port', async () => {
    const outcome = await connectManually(handle.db, user.id, { ...manual({ ssl: true }), imap: { ...manual({ ssl: true }).imap, server: `${host}:${servers.imapStarttlsPort}` } });
    expect(outcome.connected).toBe(false);
    if (outcome.connected) return;
    expect(outcome.imapProblem?.code).toBe('tls_mismatch_expected_tls');
    expect(outcome.smtpProblem).toBeUndefined();
  });

  it('reports a closed port as a refused connection', async () => {
    const outcome = await connectManually(handle.db, user.id, manual({ imapPort: 1 }));
    expect(outcome).toMatchObject({ connected: false, imapProblem: { code: 'connection_refused' } });
  });

  it('connects with SSL off over STARTTLS, and remembers STARTTLS so it cannot be stripped later', async () => {
    const outcome = await connectManually(handle.db, user.id, manual());
    expect(outcome).toEqual({ connected: true, emailAddress: alice.email, warnings: [] });
    const account = await getMailAccount(handle.db, user.id);
    expect(account).toMatchObject({ imapTls: 'starttls', smtpTls: 'starttls', imapPort: servers.imapStarttlsPort, settingsSource: 'manual' });
  });

  it('stores no mailbox password in clear anywhere in the table', async () => {
    const rows = await handle.db.execute(sql`select * from mail_accounts`);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(alice.password);
    const account = await getMailAccount(handle.db, user.id);
    expect(account!.imapPasswordEncrypted).toMatch(/^v1\.it1\./);
    expect(accountCredentials(account!).imap.password).toBe(alice.password);
  });

  it('keeps the stored password when an edit leaves it empty, but not for a different host', async () => {
    const kept = await connectManually(handle.db, user.id, manual({ ssl: true, password: '' }));
    expect(kept).toMatchObject({ connected: true });
    expect(await getMailAccount(handle.db, user.id)).toMatchObject({ imapTls: 'implicit', smtpTls: 'implicit', imapPort: servers.imapTlsPort });

    await expect(connectManually(handle.db, user.id, manual({ password: '', imapServer: `localhost:${servers.imapTlsPort}` }))).rejects.toBeInstanceOf(
      ManualSettingsError,
    );
  });

  it('connects to a server without any TLS only with a plain-text warning', async () => {
    const outcome = await connectManually(handle.db, user.id, manual({ imapPort: servers.imapPlainPort, smtpPort: servers.smtpPlainPort }));
    expect(outcome).toEqual({ connected: true, emailAddress: alice.email, warnings: ['imap_plaintext', 'smtp_plaintext'] });
    expect(await getMailAccount(handle.db, user.id)).toMatchObject({ imapTls: 'none', smtpTls: 'none' });
  });

  it('connects from an autoconfig document, recording where the settings came from', async () => {
    await deleteMailAccount(handle.db, user.id);
    const autoconfig = `<?xml version="1.0"?>
      <clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain>
        <displayName>Example Test Mail</displayName>
        <incomingServer type="imap"><hostname>${host}</hostname><port>${servers.imapTlsPort}</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
        <outgoingServer type="smtp"><hostname>${host}</hostname><port>${servers.smtpSubmissionPort}</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></outgoingServer>
      </emailProvider></clientConfig>`;
    const deps: AutodetectDeps = {
      fetchText: async (url) => (url.startsWith('https://autoconfig.example.test/') ? autoconfig : null),
      resolveSrv: async () => [],
      resolveMx: async () => [],
      probePort: async () => false,
    };
    const outcome = await connectWithAutodetect(handle.db, user.id, { emailAddress: alice.email, password: alice.password, displayName: 'Alice' }, deps);
    expect(outcome).toMatchObject({ connected: true });
    expect(await getMailAccount(handle.db, user.id)).toMatchObject({ settingsSource: 'autoconfig', imapTls: 'implicit', smtpTls: 'starttls' });
  });

  it('says the provider was recognised and its server not reached, not "check the spelling", when detected servers cannot be reached', async () => {
    // As someone@gmail.com without a network: the settings come from detection, and the host does not resolve.
    const autoconfig = `<?xml version="1.0"?>
      <clientConfig version="1.1"><emailProvider id="offline.test"><domain>offline.test</domain>
        <displayName>Offline Mail</displayName>
        <incomingServer type="imap"><hostname>imap.offline.invalid</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
        <outgoingServer type="smtp"><hostname>smtp.offline.invalid</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>
      </emailProvider></clientConfig>`;
    const deps: AutodetectDeps = {
      fetchText: async (url) => (url.startsWith('https://autoconfig.offline.test/') ? autoconfig : null),
      resolveSrv: async () => [],
      resolveMx: async () => [],
      probePort: async () => false,
    };
    const outcome = await connectWithAutodetect(handle.db, user.id, { emailAddress: 'someone@offline.test', password: 'x', displayName: '' }, deps);
    expect(outcome).toMatchObject({
      connected: false,
      reason: 'verification_failed',
      imapProblem: { code: 'provider_unreachable' },
      smtpProblem: { code: 'provider_unreachable' },
      // An autoconfig document's own name is not trusted for display: the domain stands for the provider.
      provider: { name: 'offline.test' },
    });
  });

  it('offers the manual form, prefilled, when no method recognises the provider', async () => {
    const nothing: AutodetectDeps = { fetchText: async () => null, resolveSrv: async () => [], resolveMx: async () => [], probePort: async () => false };
    const outcome = await connectWithAutodetect(handle.db, user.id, { emailAddress: 'someone@unknown-provider.test', password: 'x', displayName: '' }, nothing);
    expect(outcome).toMatchObject({
      connected: false,
      reason: 'unknown_provider',
      form: { emailAddress: 'someone@unknown-provider.test', imap: { server: 'imap.unknown-provider.test', username: 'someone@unknown-provider.test' } },
    });
  });

  it('removes the account with its credentials', async () => {
    expect(await deleteMailAccount(handle.db, user.id)).toBe(true);
    expect(await getMailAccount(handle.db, user.id)).toBeUndefined();
  });
});
