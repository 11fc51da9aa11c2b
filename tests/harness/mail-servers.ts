import { execFile as execFileCb, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, settlesWithin, waitForPort } from './net';

const execFile = promisify(execFileCb);

export interface MailUser {
  email: string;
  password: string;
}

export const DEFAULT_MAIL_USERS: readonly MailUser[] = Object.freeze([
  { email: 'alice@example.test', password: 'alice-secret-1' },
  { email: 'bob@example.test', password: 'bob-secret-2' },
]);

/** Ports the servers listen on; every one of them is on `host` (loopback). */
export interface MailServerPorts {
  /** IMAP on a plain port that offers STARTTLS (like 143). */
  imapStarttlsPort: number;
  /** IMAP with implicit TLS (like 993). */
  imapTlsPort: number;
  /** IMAP that offers no TLS at all, not even STARTTLS (a second Dovecot instance on the same mailboxes). */
  imapPlainPort: number;
  /** SMTP submission with STARTTLS required before AUTH (like 587). */
  smtpSubmissionPort: number;
  /** SMTP submission with implicit TLS (like 465). */
  smtpTlsPort: number;
  /** SMTP submission that offers no STARTTLS and accepts AUTH in plain text. */
  smtpPlainPort: number;
}

/** Everything a test worker needs to reach the servers; plain data, so it can go through `project.provide`. */
export interface MailServersInfo extends MailServerPorts {
  host: string;
  /** The throw-away CA that signed the servers' certificate (for `localhost` and 127.0.0.1). */
  caCertPath: string;
  users: MailUser[];
  /** Maildir of every user, for seeding with `deliverToMaildir()` from a worker. */
  maildirs: Record<string, string>;
}

export interface DeliverOptions {
  /** Maildir flag letters: D(raft) F(lagged) P(assed/forwarded) R(eplied) S(een) T(rashed). Given (even '') → stored in cur/, else new/. */
  flags?: string;
  /** IMAP folder path with `/` as separator, e.g. `Sent` or `Projects/Acme`. Default INBOX. Created when missing. */
  folder?: string;
  /** Becomes the IMAP INTERNALDATE (Dovecot takes it from the file's mtime). Default now. */
  receivedAt?: Date;
}

export interface MailServers extends MailServersInfo {
  /** The temp dir holding configs, certificates, logs and mail; removed by stop(). */
  dir: string;
  logFiles: { dovecot: string; dovecotPlain: string; postfix: string };
  maildirFor(email: string): string;
  /** Drops a message straight into the user's Maildir: much faster than SMTP for seeding. */
  deliver(rawMessage: string | Buffer, toEmail: string, opts?: DeliverOptions): Promise<void>;
  /** The serialisable part, for `project.provide`. */
  info(): MailServersInfo;
  /**
   * Stops both Dovecot instances (every IMAP connection drops, as in a server restart) and starts
   * them again on the same ports and mailboxes.
   */
  restartImap(): Promise<void>;
  /** Stops both Dovecot instances (connections cut, ports closed) until startImap(). */
  stopImap(): Promise<void>;
  startImap(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMailServersOptions {
  /** Added to (or, for the same address, replacing) alice and bob. */
  users?: MailUser[];
  /** Fixed ports instead of free ones, e.g. for `scripts/mail-dev.ts`. */
  ports?: Partial<MailServerPorts>;
  /**
   * Also accept OAuth2 bearer tokens (XOAUTH2, OAUTHBEARER) for IMAP and, through Dovecot SASL, for
   * SMTP: Dovecot's oauth2 passdb checks each token locally against the issuer's signing key (a JWT:
   * signature, expiry, and its `email` claim must be the login name).
   */
  oauth2?: OAuth2Validation;
}

export interface OAuth2Validation {
  /** The token issuer's public signing key in PEM, and the `kid` its tokens name in their header. */
  publicKeyPem: string;
  kid: string;
  /** JWS algorithm of the tokens, e.g. RS256. */
  alg: string;
}

const HOST = '127.0.0.1';
const MAIL_OWNER = 'vmail';
const START_ATTEMPTS = 3;

/**
 * Starts a throw-away Dovecot (IMAP, LMTP, SASL auth) and Postfix (submission) on loopback, with their
 * own configs, a fresh CA and Maildirs in a temp dir. Needs root (Postfix insists on it, and mail is
 * stored as the unprivileged `vmail` user) and the Debian packages from scripts/ensure-system-packages.sh.
 */
export async function startMailServers(options: StartMailServersOptions = {}): Promise<MailServers> {
  const users = mergeUsers(DEFAULT_MAIL_USERS, options.users ?? []);
  assertToolsInstalled();
  const owner = await ensureMailOwner();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(users, owner, options.ports ?? {}, options.oauth2);
    } catch (error) {
      // freePort() only promises the port was free a moment ago; another process may have taken it since.
      const portRace = error instanceof Error && /address already in use/i.test(error.message);
      if (!portRace || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

/** Writes one message file into a Maildir the way an MDA would (tmp/ first, then rename). Usable from any process. */
export async function deliverToMaildir(maildir: string, rawMessage: string | Buffer, opts: DeliverOptions = {}): Promise<void> {
  const { uid, gid } = await fs.promises.stat(maildir);
  const folderDir = await ensureMaildirFolder(maildir, opts.folder, { uid, gid });
  const content = typeof rawMessage === 'string' ? Buffer.from(rawMessage, 'utf8') : rawMessage;
  const receivedAt = opts.receivedAt ?? new Date();
  const seconds = Math.floor(receivedAt.getTime() / 1000);
  const uniquePart = `${seconds}.M${(receivedAt.getTime() % 1000) * 1000}P${process.pid}R${randomBytes(6).toString('hex')}`;
  const baseName = `${uniquePart}.${os.hostname().replace(/[/:]/g, '_')},S=${content.length}`;

  const tmpPath = path.join(folderDir, 'tmp', baseName);
  await fs.promises.writeFile(tmpPath, content, { mode: 0o600 });
  await fs.promises.chown(tmpPath, uid, gid);
  await fs.promises.utimes(tmpPath, receivedAt, receivedAt);
  const finalPath =
    opts.flags === undefined
      ? path.join(folderDir, 'new', baseName)
      : path.join(folderDir, 'cur', `${baseName}:2,${normaliseMaildirFlags(opts.flags)}`);
  await fs.promises.rename(tmpPath, finalPath);
}

function normaliseMaildirFlags(flags: string): string {
  const letters = [...new Set(flags.toUpperCase())];
  const invalid = letters.filter((letter) => !'DFPRST'.includes(letter));
  if (invalid.length > 0) throw new Error(`Maildir flags must be letters out of DFPRST, got ${JSON.stringify(flags)}`);
  // Maildir readers expect the info part in ASCII order.
  return letters.sort().join('');
}

async function ensureMaildirFolder(maildir: string, folder: string | undefined, owner: { uid: number; gid: number }): Promise<string> {
  const isInbox = folder === undefined || folder.toUpperCase() === 'INBOX';
  if (!isInbox && (folder.includes('.') || folder.startsWith('/') || folder.endsWith('/') || folder.includes('//'))) {
    // Maildir++ stores the hierarchy with dots on disk, so a dot inside a name cannot be represented.
    throw new Error(`Unsupported folder name for direct Maildir delivery: ${JSON.stringify(folder)}`);
  }
  const folderDir = isInbox ? maildir : path.join(maildir, `.${folder.split('/').join('.')}`);
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    const dir = path.join(folderDir, sub);
    if (!fs.existsSync(dir)) {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      await fs.promises.chown(dir, owner.uid, owner.gid);
    }
  }
  if (!isInbox) {
    const marker = path.join(folderDir, 'maildirfolder');
    if (!fs.existsSync(marker)) {
      await fs.promises.writeFile(marker, '');
      await fs.promises.chown(marker, owner.uid, owner.gid);
    }
  }
  return folderDir;
}

function mergeUsers(defaults: readonly MailUser[], extra: readonly MailUser[]): MailUser[] {
  const byEmail = new Map<string, MailUser>();
  for (const user of [...defaults, ...extra]) {
    const email = user.email.toLowerCase();
    // The passwd-file format is colon-separated and line-based.
    if (!/^[a-z0-9._+-]+@[a-z0-9.-]+$/.test(email)) throw new Error(`Unsupported test mail address: ${user.email}`);
    if (/[:\r\n]/.test(user.password) || user.password === '') throw new Error(`Unsupported password for ${user.email}`);
    byEmail.set(email, { email, password: user.password });
  }
  return [...byEmail.values()];
}

function splitAddress(email: string): { localPart: string; domain: string } {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) throw new Error(`not an e-mail address: ${email}`);
  return { localPart: email.slice(0, at), domain: email.slice(at + 1) };
}

function assertToolsInstalled(): void {
  const required = ['/usr/sbin/dovecot', '/usr/lib/dovecot/lmtp', '/usr/sbin/postfix', '/usr/bin/openssl'];
  const missing = required.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(`Mail servers are not installed (${missing.join(', ')} missing): run scripts/ensure-system-packages.sh`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('The test mail servers need root: Postfix only starts as root, and mail is stored as the vmail user');
  }
}

let mailOwnerPromise: Promise<{ uid: number; gid: number }> | undefined;

/** Dovecot refuses to store mail as root, so mail belongs to an unprivileged user made for it. */
function ensureMailOwner(): Promise<{ uid: number; gid: number }> {
  mailOwnerPromise ??= (async () => {
    if ((await lookupIds(MAIL_OWNER)) === undefined) {
      try {
        await execFile('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', MAIL_OWNER]);
      } catch (error) {
        // Another process (a second test run, mail:dev) may have created it in the meantime.
        if ((await lookupIds(MAIL_OWNER)) === undefined) throw error;
      }
    }
    const ids = await lookupIds(MAIL_OWNER);
    if (!ids) throw new Error(`user ${MAIL_OWNER} does not exist after useradd`);
    return ids;
  })();
  mailOwnerPromise.catch(() => (mailOwnerPromise = undefined));
  return mailOwnerPromise;
}

async function lookupIds(user: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([execFile('id', ['-u', user]), execFile('id', ['-g', user])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    return undefined;
  }
}

interface Layout {
  dir: string;
  caCertPath: string;
  caKeyPath: string;
  certPath: string;
  keyPath: string;
  usersFile: string;
  oauth2Config: string;
  oauth2KeysDir: string;
  mailRoot: string;
  dovecot: { config: string; baseDir: string; stateDir: string; log: string };
  dovecotPlain: { config: string; baseDir: string; stateDir: string; log: string };
  postfix: { configDir: string; queueDir: string; dataDir: string; logDir: string; log: string };
}

function layoutIn(dir: string): Layout {
  const dovecotFor = (name: string) => ({
    config: path.join(dir, name, 'dovecot.conf'),
    baseDir: path.join(dir, name, 'run'),
    stateDir: path.join(dir, name, 'state'),
    log: path.join(dir, 'log', `${name}.log`),
  });
  return {
    dir,
    caCertPath: path.join(dir, 'tls', 'ca.pem'),
    caKeyPath: path.join(dir, 'tls', 'ca.key'),
    certPath: path.join(dir, 'tls', 'server.pem'),
    keyPath: path.join(dir, 'tls', 'server.key'),
    usersFile: path.join(dir, 'dovecot-users'),
    oauth2Config: path.join(dir, 'dovecot-oauth2.conf.ext'),
    oauth2KeysDir: path.join(dir, 'oauth2-keys'),
    mailRoot: path.join(dir, 'mail'),
    dovecot: dovecotFor('dovecot'),
    dovecotPlain: dovecotFor('dovecot-plain'),
    postfix: {
      configDir: path.join(dir, 'postfix', 'etc'),
      queueDir: path.join(dir, 'postfix', 'queue'),
      dataDir: path.join(dir, 'postfix', 'data'),
      logDir: path.join(dir, 'log', 'postfix'),
      log: path.join(dir, 'log', 'postfix', 'postfix.log'),
    },
  };
}

async function startOnce(
  users: MailUser[],
  owner: { uid: number; gid: number },
  fixedPorts: Partial<MailServerPorts>,
  oauth2: OAuth2Validation | undefined,
): Promise<MailServers> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-mail-'));
  // Dovecot's and Postfix's unprivileged processes have to reach their files below it.
  fs.chmodSync(dir, 0o755);
  const layout = layoutIn(dir);
  const ports: MailServerPorts = {
    imapStarttlsPort: fixedPorts.imapStarttlsPort ?? (await freePort()),
    imapTlsPort: fixedPorts.imapTlsPort ?? (await freePort()),
    imapPlainPort: fixedPorts.imapPlainPort ?? (await freePort()),
    smtpSubmissionPort: fixedPorts.smtpSubmissionPort ?? (await freePort()),
    smtpTlsPort: fixedPorts.smtpTlsPort ?? (await freePort()),
    smtpPlainPort: fixedPorts.smtpPlainPort ?? (await freePort()),
  };
  const internalPorts = { lmtp: await freePort(), auth: await freePort() };

  const running: { dovecot?: RunningDovecot; dovecotPlain?: RunningDovecot; postfixStarted?: boolean } = {};
  const stopAll = async () => {
    const errors: unknown[] = [];
    // Postfix's master takes a second or two to wind down; Dovecot can stop meanwhile.
    await Promise.all(
      [running.postfixStarted ? stopPostfix(layout) : undefined, running.dovecot?.stop(), running.dovecotPlain?.stop()].map((stopping) =>
        stopping?.catch((error: unknown) => errors.push(error)),
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the test mail servers failed');
  };

  try {
    for (const sub of ['tls', 'log', layout.postfix.logDir, 'dovecot', 'dovecot-plain', 'postfix/etc', 'postfix/queue', 'postfix/data']) {
      fs.mkdirSync(path.resolve(dir, sub), { recursive: true });
    }
    await generateCertificates(layout);
    const maildirs = await prepareMailboxes(layout, users, owner);

    fs.writeFileSync(layout.usersFile, users.map((user) => `${user.email}:{PLAIN}${user.password}\n`).join(''), { mode: 0o640 });
    // Dovecot's auth process reads it as the dovecot user.
    fs.chownSync(layout.usersFile, 0, (await systemUserIds('dovecot'))[1]);
    if (oauth2) await writeOAuth2Validation(layout, oauth2);
    const oauth2Enabled = oauth2 !== undefined;
    fs.writeFileSync(layout.dovecot.config, dovecotConfig(layout, layout.dovecot, owner, { kind: 'tls', ports, internalPorts, oauth2: oauth2Enabled }));
    fs.writeFileSync(
      layout.dovecotPlain.config,
      dovecotConfig(layout, layout.dovecotPlain, owner, { kind: 'plain', ports, internalPorts, oauth2: oauth2Enabled }),
    );

    const startBothDovecots = () =>
      Promise.all([
        startDovecot(layout.dovecot, [ports.imapStarttlsPort, ports.imapTlsPort, internalPorts.lmtp, internalPorts.auth]),
        startDovecot(layout.dovecotPlain, [ports.imapPlainPort]),
      ]);
    [running.dovecot, running.dovecotPlain] = await startBothDovecots();

    const domains = [...new Set(users.map((user) => splitAddress(user.email).domain))];
    fs.chownSync(layout.postfix.dataDir, ...(await systemUserIds('postfix')));
    fs.writeFileSync(path.join(layout.postfix.configDir, 'main.cf'), postfixMainCf(layout, domains, internalPorts));
    fs.writeFileSync(path.join(layout.postfix.configDir, 'master.cf'), postfixMasterCf(ports));
    running.postfixStarted = true;
    await startPostfix(layout, [ports.smtpSubmissionPort, ports.smtpTlsPort, ports.smtpPlainPort]);

    const info: MailServersInfo = { host: HOST, ...ports, caCertPath: layout.caCertPath, users, maildirs };
    let stopping: Promise<void> | undefined;
    const maildirFor = (email: string): string => {
      const maildir = maildirs[email.toLowerCase()];
      if (!maildir) throw new Error(`${email} is not a user of these test mail servers`);
      return maildir;
    };
    const stopImap = async () => {
      // Dovecot's master leaves running IMAP sessions alone when it stops (measured: an import went on
      // through a restart), so the sessions are kicked first, as a host reboot or a crash would end them.
      await Promise.all(
        [layout.dovecot, layout.dovecotPlain].map((instance) =>
          execFile('/usr/bin/doveadm', ['-c', instance.config, 'kick', '*'], { timeout: 10_000 }).catch(() => undefined),
        ),
      );
      await Promise.all([running.dovecot?.stop(), running.dovecotPlain?.stop()]);
      running.dovecot = running.dovecotPlain = undefined;
    };
    const startImap = async () => {
      if (!running.dovecot) [running.dovecot, running.dovecotPlain] = await startBothDovecots();
    };
    return {
      ...info,
      dir,
      logFiles: { dovecot: layout.dovecot.log, dovecotPlain: layout.dovecotPlain.log, postfix: layout.postfix.log },
      maildirFor,
      deliver: (rawMessage, toEmail, opts) => deliverToMaildir(maildirFor(toEmail), rawMessage, opts),
      info: () => structuredClone(info),
      stopImap,
      startImap,
      async restartImap() {
        await stopImap();
        await startImap();
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    const logs = collectLogTails(layout);
    await stopAll().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not start the test mail servers: ${reason}${logs}`, { cause: error });
  }
}

async function generateCertificates(layout: Layout): Promise<void> {
  // EC keys: generated in milliseconds, where RSA would cost every test run a noticeable pause.
  const keyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '365'];
  await execFile('openssl', [
    'req', '-x509', ...keyArgs, '-keyout', layout.caKeyPath, '-out', layout.caCertPath,
    '-subj', '/CN=CRM Inbox throw-away test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await execFile('openssl', [
    'req', '-x509', ...keyArgs, '-keyout', layout.keyPath, '-out', layout.certPath,
    '-CA', layout.caCertPath, '-CAkey', layout.caKeyPath,
    '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  fs.chmodSync(layout.caCertPath, 0o644);
}

async function prepareMailboxes(layout: Layout, users: MailUser[], owner: { uid: number; gid: number }): Promise<Record<string, string>> {
  const maildirs: Record<string, string> = {};
  fs.mkdirSync(layout.mailRoot, { mode: 0o700 });
  fs.chownSync(layout.mailRoot, owner.uid, owner.gid);
  for (const user of users) {
    const { localPart, domain } = splitAddress(user.email);
    const domainDir = path.join(layout.mailRoot, domain);
    const home = path.join(domainDir, localPart);
    const maildir = path.join(home, 'Maildir');
    for (const created of [domainDir, home, maildir, ...['cur', 'new', 'tmp'].map((sub) => path.join(maildir, sub))]) {
      if (!fs.existsSync(created)) {
        fs.mkdirSync(created, { mode: 0o700 });
        fs.chownSync(created, owner.uid, owner.gid);
      }
    }
    maildirs[user.email] = maildir;
  }
  return maildirs;
}

interface DovecotPaths {
  config: string;
  baseDir: string;
  stateDir: string;
  log: string;
}

interface DovecotConfigInput {
  /** `tls`: STARTTLS + imaps + LMTP + auth for Postfix. `plain`: IMAP without any TLS, same users and mail. */
  kind: 'tls' | 'plain';
  ports: MailServerPorts;
  internalPorts: { lmtp: number; auth: number };
  oauth2: boolean;
}

/**
 * Dovecot's local JWT validation looks the key up in a dict as `shared/<azp>/<alg>/<kid>` ("default"
 * when the token has no azp); the fs dict drops `shared/`, so that is a file below the key directory.
 */
async function writeOAuth2Validation(layout: Layout, validation: OAuth2Validation): Promise<void> {
  const keyDir = path.join(layout.oauth2KeysDir, 'default', validation.alg);
  fs.mkdirSync(keyDir, { recursive: true });
  fs.writeFileSync(path.join(keyDir, encodeURIComponent(validation.kid)), validation.publicKeyPem);
  fs.writeFileSync(
    layout.oauth2Config,
    `introspection_mode = local
local_validation_key_dict = fs:posix:prefix=${layout.oauth2KeysDir}/
username_attribute = email
`,
  );
  const dovecotGid = (await systemUserIds('dovecot'))[1];
  for (const entry of [layout.oauth2Config, ...fs.readdirSync(layout.oauth2KeysDir, { recursive: true, encoding: 'utf8' }).map((e) => path.join(layout.oauth2KeysDir, e))]) {
    fs.chownSync(entry, 0, dovecotGid);
  }
  fs.chownSync(layout.oauth2KeysDir, 0, dovecotGid);
}

function dovecotConfig(layout: Layout, paths: DovecotPaths, owner: { uid: number; gid: number }, input: DovecotConfigInput): string {
  const { kind, ports, internalPorts, oauth2 } = input;
  // Tried first only for the token mechanisms; passwords never reach it.
  const oauth2Passdb = oauth2
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${layout.oauth2Config}
}
`
    : '';
  const specialFolders = [
    ['Sent', '\\Sent'],
    ['Drafts', '\\Drafts'],
    ['Trash', '\\Trash'],
    ['Junk', '\\Junk'],
    ['Archive', '\\Archive'],
  ]
    .map(([name, use]) => `  mailbox ${name} {\n    special_use = ${use}\n    auto = subscribe\n  }`)
    .join('\n');
  const tlsSettings =
    kind === 'tls'
      ? `ssl = yes
ssl_cert = <${layout.certPath}
ssl_key = <${layout.keyPath}
disable_plaintext_auth = yes`
      : `ssl = no
disable_plaintext_auth = no`;
  const imapListeners =
    kind === 'tls'
      ? `  inet_listener imap {
    address = ${HOST}
    port = ${ports.imapStarttlsPort}
  }
  inet_listener imaps {
    address = ${HOST}
    port = ${ports.imapTlsPort}
    ssl = yes
  }`
      : `  inet_listener imap {
    address = ${HOST}
    port = ${ports.imapPlainPort}
  }
  # The built-in defaults would otherwise also listen on 993.
  inet_listener imaps {
    port = 0
  }`;
  const deliveryServices =
    kind === 'tls'
      ? `service lmtp {
  inet_listener lmtp {
    address = ${HOST}
    port = ${internalPorts.lmtp}
  }
}
# Postfix authenticates submission clients against the same users.
service auth {
  inet_listener auth {
    address = ${HOST}
    port = ${internalPorts.auth}
  }
}`
      : '';

  return `# Throw-away test instance: nothing from /etc/dovecot is used.
base_dir = ${paths.baseDir}
state_dir = ${paths.stateDir}
instance_name = ${path.basename(path.dirname(paths.config))}-${path.basename(layout.dir)}
log_path = ${paths.log}
info_log_path = ${paths.log}
protocols = ${kind === 'tls' ? 'imap lmtp' : 'imap'}
listen = ${HOST}
# Login processes must not run as root.
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = ${owner.uid}
last_valid_uid = ${owner.uid}
first_valid_gid = ${owner.gid}
last_valid_gid = ${owner.gid}
${tlsSettings}
auth_mechanisms = plain login${oauth2 ? ' xoauth2 oauthbearer' : ''}
# Tests check wrong passwords on purpose; the default 2 s delay per failure only slows them down.
auth_failure_delay = 0
mail_location = maildir:${layout.mailRoot}/%d/%n/Maildir
${oauth2Passdb}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${layout.usersFile}
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${layout.mailRoot}/%d/%n
}
namespace inbox {
  inbox = yes
  separator = /
${specialFolders}
}
protocol imap {
  # Parallel test files log in as the same users from the same address.
  mail_max_userip_connections = 1000
}
service imap-login {
${imapListeners}
}
${deliveryServices}
# Mail processes run as vmail and want to report to the stats service.
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

interface RunningDovecot {
  stop(): Promise<void>;
}

async function startDovecot(paths: DovecotPaths, ports: number[]): Promise<RunningDovecot> {
  // -F keeps the master process in the foreground as our child, so stop() can wait for it to exit.
  const child = spawn('/usr/sbin/dovecot', ['-F', '-c', paths.config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      stderr += String(error);
      resolve(null);
    });
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (!(await settlesWithin(exited, 10_000))) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  try {
    await Promise.race([
      Promise.all(ports.map((port) => waitForPort(port, HOST, 20_000))),
      exited.then((code) => {
        throw new Error(`dovecot exited with code ${code} during startup: ${stderr.trim() || readTail(paths.log)}`);
      }),
    ]);
    // Dovecot's anvil service delays repeated failed logins from one address by up to 15 s, longer than
    // the connection timeouts under test. The auth process connects to this socket when it first starts
    // (on the first login, which has not happened yet); when it is missing, it turns the penalty off.
    fs.rmSync(path.join(paths.baseDir, 'anvil-auth-penalty'), { force: true });
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** Users the Debian packages create (dovecot, postfix). */
async function systemUserIds(user: string): Promise<[number, number]> {
  const ids = await lookupIds(user);
  if (!ids) throw new Error(`the ${user} user does not exist: run scripts/ensure-system-packages.sh`);
  return [ids.uid, ids.gid];
}

function postfixMainCf(layout: Layout, domains: string[], internalPorts: { lmtp: number; auth: number }): string {
  return `# Throw-away test instance, started with "postfix -c ${layout.postfix.configDir}".
compatibility_level = 3.6
queue_directory = ${layout.postfix.queueDir}
data_directory = ${layout.postfix.dataDir}
# There is no syslog on these machines; postlogd writes here instead.
maillog_file = ${layout.postfix.log}
maillog_file_prefixes = ${layout.postfix.logDir}
myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
inet_interfaces = ${HOST}
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_transport = error:local delivery is disabled
# No DNS on these machines: do not wait for reverse lookups of clients.
smtpd_peername_lookup = no
virtual_mailbox_domains = ${domains.join(' ')}
virtual_transport = lmtp:inet:${HOST}:${internalPorts.lmtp}
# Mail to any other domain is accepted and dropped, so the app can "send to customers" in tests.
default_transport = discard:outside mail is dropped by the test server
relay_transport = discard:outside mail is dropped by the test server
message_size_limit = 52428800
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:${HOST}:${internalPorts.auth}
smtpd_tls_cert_file = ${layout.certPath}
smtpd_tls_key_file = ${layout.keyPath}
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
biff = no
`;
}

function postfixMasterCf(ports: MailServerPorts): string {
  const internalServices = [
    'pickup    unix  n  -  n  60    1  pickup',
    'cleanup   unix  n  -  n  -     0  cleanup',
    'qmgr      unix  n  -  n  300   1  qmgr',
    'tlsmgr    unix  -  -  n  1000? 1  tlsmgr',
    'rewrite   unix  -  -  n  -     -  trivial-rewrite',
    'bounce    unix  -  -  n  -     0  bounce',
    'defer     unix  -  -  n  -     0  bounce',
    'trace     unix  -  -  n  -     0  bounce',
    'verify    unix  -  -  n  -     1  verify',
    'flush     unix  n  -  n  1000? 0  flush',
    'proxymap  unix  -  -  n  -     -  proxymap',
    'proxywrite unix -  -  n  -     1  proxymap',
    'smtp      unix  -  -  n  -     -  smtp',
    'relay     unix  -  -  n  -     -  smtp',
    'showq     unix  n  -  n  -     -  showq',
    'error     unix  -  -  n  -     -  error',
    'retry     unix  -  -  n  -     -  error',
    'discard   unix  -  -  n  -     -  discard',
    'local     unix  -  n  n  -     -  local',
    'virtual   unix  -  n  n  -     -  virtual',
    'lmtp      unix  -  -  n  -     -  lmtp',
    'anvil     unix  -  -  n  -     1  anvil',
    'scache    unix  -  -  n  -     1  scache',
    'postlog   unix-dgram n - n -   1  postlogd',
  ];
  const submissionOnly = '  -o smtpd_client_restrictions=permit_sasl_authenticated,reject';
  return `# Throw-away test instance. Columns: service type private unpriv chroot wakeup maxproc command
${HOST}:${ports.smtpSubmissionPort} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
${submissionOnly}
${HOST}:${ports.smtpTlsPort} inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
${submissionOnly}
${HOST}:${ports.smtpPlainPort} inet n - n - - smtpd
  -o syslog_name=postfix/plain
  -o smtpd_tls_security_level=none
  -o smtpd_tls_auth_only=no
${submissionOnly}
${internalServices.join('\n')}
`;
}

async function startPostfix(layout: Layout, ports: number[]): Promise<void> {
  try {
    // As root, postfix accepts any -c directory (alternate_config_directories only binds other users).
    await execFile('/usr/sbin/postfix', ['-c', layout.postfix.configDir, 'start'], { timeout: 60_000 });
  } catch (error) {
    // The postfix command reports only to a terminal or syslog; `postfix check` under script(1) shows why.
    const diagnosis = await execFile('script', ['-qc', `/usr/sbin/postfix -c ${layout.postfix.configDir} check`, '/dev/null']).then(
      ({ stdout }) => stdout,
      (checkError: { stdout?: string }) => checkError.stdout ?? '',
    );
    throw new Error(`postfix start failed: ${diagnosis.trim() || String(error)}`, { cause: error });
  }
  await Promise.all(ports.map((port) => waitForPort(port, HOST, 20_000)));
}

async function stopPostfix(layout: Layout): Promise<void> {
  const pidFile = path.join(layout.postfix.queueDir, 'pid', 'master.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  // What "postfix stop" does, minus its one-second polling: SIGTERM makes the master stop its children.
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      // The master leads its own process group (it calls setsid), so this takes its children too.
      process.kill(-pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the promise settles in time; never keeps the process alive with a pending timer afterwards. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readTail(file: string, maxChars = 3000): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-maxChars);
  } catch {
    return '';
  }
}

function collectLogTails(layout: Layout): string {
  const logs: Record<string, string> = {
    dovecot: layout.dovecot.log,
    'dovecot (plain)': layout.dovecotPlain.log,
    postfix: layout.postfix.log,
  };
  return Object.entries(logs)
    .map(([name, file]) => ({ name, tail: readTail(file).trim() }))
    .filter(({ tail }) => tail !== '')
    .map(({ name, tail }) => `\n--- ${name} log ---\n${tail}`)
    .join('');
}

