import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { randomUUID } from 'node:crypto';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import nodemailer from 'nodemailer';
import { describe, expect, inject, it } from 'vitest';
import { deliverToMaildir, startMailServers, type MailServersInfo, type MailUser } from '../harness/mail-servers';

const servers = inject('mailServers');
const alice = userNamed(servers, 'alice');
const bob = userNamed(servers, 'bob');

function userNamed(info: MailServersInfo, localPart: string): MailUser {
  const user = info.users.find((candidate) => candidate.email.startsWith(`${localPart}@`));
  if (!user) throw new Error(`no ${localPart} among the test mail users`);
  return user;
}

/** No `ca` option anywhere: the workers trust the test CA through NODE_EXTRA_CA_CERTS, like the app would. */
function imapClient(user: MailUser, connection: Pick<ImapFlowOptions, 'port' | 'secure' | 'doSTARTTLS' | 'tls'>): ImapFlow {
  const client = new ImapFlow({ host: servers.host, ...connection, auth: { user: user.email, pass: user.password }, logger: false });
  // ImapFlow emits socket errors as events as well; without a listener they would crash the worker.
  client.on('error', () => undefined);
  return client;
}

async function withImap<T>(client: ImapFlow, session: (client: ImapFlow) => Promise<T>): Promise<T> {
  await client.connect();
  try {
    return await session(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: servers.host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('test CA trust', () => {
  it('reaches the worker through NODE_EXTRA_CA_CERTS', () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(servers.caCertPath);
    expect(fs.readFileSync(servers.caCertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('makes a plain tls.connect without `ca` succeed', async () => {
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tls.connect({ host: servers.host, port: servers.imapTlsPort, servername: 'localhost' }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(authorized).toBe(true);
  });
});

describe('Dovecot', () => {
  it('lets alice log in over STARTTLS and lists the special-use folders', async () => {
    const client = imapClient(alice, { port: servers.imapStarttlsPort, secure: false, doSTARTTLS: true });
    const { folders, secure, capabilities } = await withImap(client, async (connected) => ({
      folders: await connected.list(),
      secure: connected.secureConnection,
      capabilities: [...connected.capabilities.keys()],
    }));
    expect(secure).toBe(true);
    expect(capabilities).toEqual(expect.arrayContaining(['CONDSTORE', 'QRESYNC', 'SPECIAL-USE', 'MOVE', 'UIDPLUS', 'IDLE']));
    const specialUse = Object.fromEntries(folders.filter((folder) => folder.specialUse).map((folder) => [folder.specialUse, folder.path]));
    expect(specialUse).toEqual({
      '\\Inbox': 'INBOX',
      '\\Sent': 'Sent',
      '\\Drafts': 'Drafts',
      '\\Trash': 'Trash',
      '\\Junk': 'Junk',
      '\\Archive': 'Archive',
    });
    expect(folders.filter((folder) => folder.specialUse && folder.path !== 'INBOX').every((folder) => folder.subscribed)).toBe(true);
  });

  it('lets alice log in over implicit TLS', async () => {
    const client = imapClient(alice, { port: servers.imapTlsPort, secure: true });
    const { status, secure } = await withImap(client, async (connected) => ({
      status: await connected.status('INBOX', { messages: true }),
      secure: connected.secureConnection,
    }));
    expect(secure).toBe(true);
    expect(status && status.messages).toBeGreaterThanOrEqual(0);
  });

  it('offers no STARTTLS at all on the plain port, and still lets alice log in', async () => {
    const client = imapClient(alice, { port: servers.imapPlainPort, secure: false, doSTARTTLS: false });
    const { secure, capabilities } = await withImap(client, async (connected) => ({
      secure: connected.secureConnection,
      capabilities: [...connected.capabilities.keys()],
    }));
    expect(secure).toBe(false);
    expect(capabilities).not.toContain('STARTTLS');
  });

  it('refuses a wrong password over STARTTLS and over implicit TLS', async () => {
    const wrongPassword = { ...alice, password: 'not-the-password' };
    for (const connection of [
      { port: servers.imapStarttlsPort, secure: false, doSTARTTLS: true },
      { port: servers.imapTlsPort, secure: true },
    ]) {
      const client = imapClient(wrongPassword, connection);
      const error: unknown = await client.connect().then(
        () => new Error('login succeeded'),
        (rejection: unknown) => rejection,
      );
      client.close();
      expect(error).toMatchObject({ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' });
    }
  });

  it('shows a message dropped into the Maildir by deliver(), with its flags and date', async () => {
    const subject = `Seeded ${randomUUID()}`;
    const receivedAt = new Date('2024-03-01T10:00:00Z');
    const raw = `From: Carol <carol@customer.test>\r\nTo: ${bob.email}\r\nSubject: ${subject}\r\nDate: Fri, 01 Mar 2024 10:00:00 +0000\r\nMessage-ID: <${randomUUID()}@customer.test>\r\n\r\nHello Bob.\r\n`;
    const bobsMaildir = servers.maildirs[bob.email];
    if (!bobsMaildir) throw new Error('no Maildir for bob');
    await deliverToMaildir(bobsMaildir, raw, { folder: 'Archive', flags: 'SF', receivedAt });

    const client = imapClient(bob, { port: servers.imapTlsPort, secure: true });
    const found = await withImap(client, async (connected) => {
      const lock = await connected.getMailboxLock('Archive');
      try {
        const uids = await connected.search({ header: { subject } }, { uid: true });
        const [uid, ...more] = uids || [];
        if (uid === undefined || more.length > 0) return undefined;
        return (await connected.fetchOne(String(uid), { flags: true, internalDate: true, envelope: true }, { uid: true })) || undefined;
      } finally {
        lock.release();
      }
    });
    expect(found).toBeTruthy();
    // \Recent only says this session is the first to see it.
    expect(found && [...(found.flags ?? [])].filter((flag) => flag !== '\\Recent').sort()).toEqual(['\\Flagged', '\\Seen']);
    expect(found && new Date(found.internalDate ?? 0).toISOString()).toBe(receivedAt.toISOString());
    expect(found?.envelope?.subject).toBe(subject);
  });
});

describe('Postfix', () => {
  function transport(user: MailUser, connection: { port: number; secure: boolean }) {
    return nodemailer.createTransport({
      host: servers.host,
      port: connection.port,
      secure: connection.secure,
      requireTLS: !connection.secure,
      auth: { user: user.email, pass: user.password },
      tls: { servername: 'localhost' },
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
    });
  }

  it('delivers mail from alice (submission, STARTTLS + AUTH) into bob’s INBOX within seconds', async () => {
    const subject = `Hello Bob ${randomUUID()}`;
    const info = await transport(alice, { port: servers.smtpSubmissionPort, secure: false }).sendMail({
      from: alice.email,
      to: bob.email,
      subject,
      text: 'Sent through the test Postfix.',
    });
    expect(info.accepted).toEqual([bob.email]);

    const client = imapClient(bob, { port: servers.imapStarttlsPort, secure: false, doSTARTTLS: true });
    const arrivedAfterMs = await withImap(client, async (connected) => {
      const started = Date.now();
      const lock = await connected.getMailboxLock('INBOX');
      try {
        while (Date.now() - started < 10_000) {
          await connected.noop();
          const uids = await connected.search({ header: { subject } }, { uid: true });
          if (uids && uids.length > 0) return Date.now() - started;
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        return undefined;
      } finally {
        lock.release();
      }
    });
    expect(arrivedAfterMs, 'message never reached bob’s INBOX').toBeDefined();
  });

  it('accepts alice over implicit TLS (smtps)', async () => {
    await expect(transport(alice, { port: servers.smtpTlsPort, secure: true }).verify()).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    const wrongPassword = { ...alice, password: 'not-the-password' };
    await expect(transport(wrongPassword, { port: servers.smtpSubmissionPort, secure: false }).verify()).rejects.toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
    });
  });
});

describe('startMailServers()', () => {
  it('runs two instances at once, stops them completely, and starts again afterwards', async () => {
    const carol = { email: 'carol@other.test', password: 'carol-secret-3' };
    const [first, second] = await Promise.all([startMailServers(), startMailServers({ users: [carol] })]);
    try {
      expect(new Set([first.imapTlsPort, second.imapTlsPort, first.smtpSubmissionPort, second.smtpSubmissionPort]).size).toBe(4);
      // These instances have their own CAs, which the worker was not started with.
      const client = imapClient(carol, {
        port: second.imapTlsPort,
        secure: true,
        tls: { ca: fs.readFileSync(second.caCertPath) },
      });
      await client.connect();
      await client.logout();
      expect(() => first.maildirFor(carol.email)).toThrow(/not a user/);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    for (const instance of [first, second]) {
      expect(fs.existsSync(instance.dir)).toBe(false);
      for (const port of [instance.imapStarttlsPort, instance.imapTlsPort, instance.imapPlainPort, instance.smtpSubmissionPort, instance.smtpTlsPort, instance.smtpPlainPort]) {
        expect(await portIsOpen(port), `port ${port} still open after stop()`).toBe(false);
      }
    }

    const third = await startMailServers();
    try {
      expect(await portIsOpen(third.smtpTlsPort)).toBe(true);
    } finally {
      await third.stop();
    }
  });
});
