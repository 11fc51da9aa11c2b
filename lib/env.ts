import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A whole number of seconds (or `unit`), at least `min`; empty or unset gives `fallback`. */
function wholeSeconds({ min, fallback, unit = 'seconds' }: { min: number; fallback: number; unit?: string }) {
  return z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= min), {
      message: `must be a whole number of ${unit}, at least ${min}`,
    })
    .transform((value) => (value === undefined ? fallback : Number(value)));
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

/**
 * The test-only provider override may only point at this machine: set by accident in production, it
 * cannot send anyone's sign-in (or the client secret) to another host.
 */
function isLoopbackHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  } catch {
    return false;
  }
}

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

const rawEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
      message: 'must be a postgres:// or postgresql:// URL',
    }),
  DATA_DIR: z.string().trim().default('.data'),
  ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION: booleanFlag,
  AUTH_SECRET: z
    .string()
    .optional()
    .refine((value) => value === undefined || value.length >= 32, { message: 'must be at least 32 characters long' }),
  MAIL_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((value) => value === undefined || /^[A-Za-z0-9_-]+:[A-Za-z0-9+/=_-]{43,}$/.test(value), {
      message: 'must look like <key-id>:<32 random bytes in base64>, e.g. k1:$(openssl rand -base64 32)',
    }),
  MAIL_ENCRYPTION_PREVIOUS_KEYS: z.string().optional(),
  NUMBER_OF_DAYS_TO_DOWNLOAD: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1), {
      message: 'must be a whole number of days, at least 1',
    })
    .transform((value) => (value === undefined ? 30 : Number(value))),
  CRON_SECRET: z.string().optional(),
  MAIL_ALLOW_PRIVATE_HOSTS: booleanFlag,
  IMPORT_TIME_BUDGET_SECONDS: wholeSeconds({ min: 1, fallback: 50 }),
  IMPORT_INTERVAL_SECONDS: wholeSeconds({ min: 0, fallback: 120 }),
  IMPORT_CONCURRENCY: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 64), {
      message: 'must be a whole number of accounts imported at once, 1 to 64',
    })
    .transform((value) => (value === undefined ? 32 : Number(value))),
  IMAP_IDLE_MAX_ACCOUNTS: wholeSeconds({ min: 0, fallback: 200, unit: 'accounts' }),
  TRUSTED_PROXY_HOPS: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) <= 10), {
      message: 'must be the number of proxies in front of the app, 0 to 10',
    })
    .transform((value) => (value === undefined ? 0 : Number(value))),
  // Set by Vercel itself in its builds and functions.
  VERCEL: z.string().optional(),
  MAIL_MAX_ATTACHMENT_MB: wholeSeconds({ min: 1, fallback: 25, unit: 'megabytes' }),
  MICROSOFT_CLIENT_ID: optionalText,
  MICROSOFT_CLIENT_SECRET: optionalText,
  MICROSOFT_TENANT: optionalText.refine((value) => value === undefined || /^[A-Za-z0-9.-]{1,100}$/.test(value), {
    message: 'must be a tenant id or domain (or common, organizations), e.g. common or contoso.onmicrosoft.com',
  }),
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  MAIL_OAUTH_TEST_SERVER_URL: optionalText.refine((value) => value === undefined || isLoopbackHttpUrl(value), {
    message: 'is for tests only and must be an http(s) URL on 127.0.0.1, [::1] or localhost',
  }),
  // Read by lib/log.ts itself (it must work before this validation runs); checked here so a typo fails fast.
  LOG_LEVEL: z.enum(['info', 'warn', 'error', ''], { message: 'must be info, warn or error' }).optional(),
});

export interface Env {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  /** Real Postgres when set; the embedded PGlite database under `dataDir` otherwise. */
  databaseUrl: string | undefined;
  dataDir: string;
  authSecret: string;
  mailEncryptionKey: string;
  mailEncryptionPreviousKeys: string | undefined;
  numberOfDaysToDownload: number;
  /** Where the download window comes from, for the admin's System page. */
  numberOfDaysToDownloadSource: 'env' | 'default';
  cronSecret: string | undefined;
  /** On-premise installs whose mail server is on the LAN (and the tests, on loopback) turn the SSRF guard's private-range refusal off. */
  mailAllowPrivateHosts: boolean;
  /** How long one import pass (cron request or CLI run) may work before it stops and leaves the rest for the next. */
  importTimeBudgetSeconds: number;
  /** How often each mailbox is imported; 0 turns the app's own import timer off (an external cron calls /api/cron/import). */
  importIntervalSeconds: number;
  /** How many accounts one import pass works on at once (per app instance). */
  importConcurrency: number;
  /** Most accounts whose INBOX a long-running server watches with IMAP IDLE; 0 turns watching off. */
  imapIdleMaxAccounts: number;
  /** How many proxies in front of the app append to X-Forwarded-For; 0 = none, the header is ignored. */
  trustedProxyHops: number;
  /** On Vercel the client's address comes from the platform's own header. */
  onVercel: boolean;
  /** Secrets made up for development (kept in DATA_DIR/dev-secrets.json) because none was set. */
  generatedSecrets: ('AUTH_SECRET' | 'MAIL_ENCRYPTION_KEY')[];
  /** Largest total of attachments on one message the composer accepts, in MiB (providers cap at 20–35 MB). */
  mailMaxAttachmentMb: number;
  /** Provider sign-in for mailboxes (OAuth2); undefined when the provider is not configured. */
  microsoftOAuth: (OAuthClientConfig & { tenant: string }) | undefined;
  googleOAuth: OAuthClientConfig | undefined;
  /** Tests only: both providers' authorize and token endpoints on this loopback server instead. */
  mailOAuthTestServerUrl: string | undefined;
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

interface DevSecrets {
  AUTH_SECRET: string;
  MAIL_ENCRYPTION_KEY: string;
}

/**
 * Outside production a missing secret is generated once and kept under the data dir, so that
 * `npm run dev` needs no set-up and a restart keeps sessions and stored mail passwords readable.
 */
function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (stored.AUTH_SECRET && stored.MAIL_ENCRYPTION_KEY) return stored as DevSecrets;
  } catch {
    // No file yet (or unreadable): make new secrets below.
  }
  const secrets: DevSecrets = {
    AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
    MAIL_ENCRYPTION_KEY: `dev1:${crypto.randomBytes(32).toString('base64')}`,
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = rawEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = source[name];
      return `${name} ${issue.message}${got !== undefined ? ` (got "${name.includes('SECRET') || name.includes('KEY') ? '…' : got}")` : ''}`;
    });
    throw new EnvError(`Invalid environment: ${problems.join('; ')}`);
  }
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === 'production';

  if (isProduction && !raw.DATABASE_URL && !raw.ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION) {
    throw new EnvError(
      'DATABASE_URL is not set. In production the embedded database would live on a disk that serverless ' +
        'platforms throw away. Set DATABASE_URL to a Postgres database, or, in a container with a persistent ' +
        'volume, set ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION=true.',
    );
  }

  let authSecret = raw.AUTH_SECRET;
  let mailEncryptionKey = raw.MAIL_ENCRYPTION_KEY;
  const generatedSecrets: Env['generatedSecrets'] = [];
  if (isProduction) {
    if (!authSecret) throw new EnvError('AUTH_SECRET is required in production (generate one with: openssl rand -base64 33).');
    if (!mailEncryptionKey) {
      throw new EnvError('MAIL_ENCRYPTION_KEY is required in production (generate one with: echo "k1:$(openssl rand -base64 32)").');
    }
  } else if (!authSecret || !mailEncryptionKey) {
    const devSecrets = loadOrCreateDevSecrets(raw.DATA_DIR);
    if (!authSecret) generatedSecrets.push('AUTH_SECRET');
    if (!mailEncryptionKey) generatedSecrets.push('MAIL_ENCRYPTION_KEY');
    authSecret ??= devSecrets.AUTH_SECRET;
    mailEncryptionKey ??= devSecrets.MAIL_ENCRYPTION_KEY;
  }

  const clientPair = (idName: string, id: string | undefined, secretName: string, secret: string | undefined): OAuthClientConfig | undefined => {
    if (!id && !secret) return undefined;
    if (!id) throw new EnvError(`${idName} is required when ${secretName} is set.`);
    if (!secret) throw new EnvError(`${secretName} is required when ${idName} is set.`);
    return { clientId: id, clientSecret: secret };
  };
  const microsoft = clientPair('MICROSOFT_CLIENT_ID', raw.MICROSOFT_CLIENT_ID, 'MICROSOFT_CLIENT_SECRET', raw.MICROSOFT_CLIENT_SECRET);
  const googleOAuth = clientPair('GOOGLE_CLIENT_ID', raw.GOOGLE_CLIENT_ID, 'GOOGLE_CLIENT_SECRET', raw.GOOGLE_CLIENT_SECRET);
  if (raw.MAIL_OAUTH_TEST_SERVER_URL && raw.VERCEL?.trim()) {
    throw new EnvError('MAIL_OAUTH_TEST_SERVER_URL is for tests on one machine and cannot be used on Vercel; remove it.');
  }

  return {
    nodeEnv: raw.NODE_ENV,
    isProduction,
    databaseUrl: raw.DATABASE_URL,
    dataDir: raw.DATA_DIR,
    authSecret,
    mailEncryptionKey,
    mailEncryptionPreviousKeys: raw.MAIL_ENCRYPTION_PREVIOUS_KEYS || undefined,
    numberOfDaysToDownload: raw.NUMBER_OF_DAYS_TO_DOWNLOAD,
    numberOfDaysToDownloadSource: source.NUMBER_OF_DAYS_TO_DOWNLOAD?.trim() ? 'env' : 'default',
    cronSecret: raw.CRON_SECRET || undefined,
    mailAllowPrivateHosts: raw.MAIL_ALLOW_PRIVATE_HOSTS,
    importTimeBudgetSeconds: raw.IMPORT_TIME_BUDGET_SECONDS,
    importIntervalSeconds: raw.IMPORT_INTERVAL_SECONDS,
    importConcurrency: raw.IMPORT_CONCURRENCY,
    imapIdleMaxAccounts: raw.IMAP_IDLE_MAX_ACCOUNTS,
    trustedProxyHops: raw.TRUSTED_PROXY_HOPS,
    onVercel: Boolean(raw.VERCEL?.trim()),
    generatedSecrets,
    mailMaxAttachmentMb: raw.MAIL_MAX_ATTACHMENT_MB,
    microsoftOAuth: microsoft ? { ...microsoft, tenant: raw.MICROSOFT_TENANT ?? 'common' } : undefined,
    googleOAuth,
    mailOAuthTestServerUrl: raw.MAIL_OAUTH_TEST_SERVER_URL?.replace(/\/+$/, ''),
  };
}

let cached: Env | undefined;

/** The validated environment, read once per process; throws an EnvError naming the variable. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
