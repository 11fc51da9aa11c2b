import { asc, count, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import journal from '@/db/migrations/meta/_journal.json';
import { mailAccounts, mailAccountSync, mailMessages, users } from '@/db/schema';
import { env } from '@/lib/env';
import packageJson from '@/package.json';

/** Settings an admin must have in place; the System page says whether each is set, never its value. */
const REQUIRED_IN_PRODUCTION = ['DATABASE_URL', 'AUTH_SECRET', 'MAIL_ENCRYPTION_KEY', 'CRON_SECRET'] as const;

export type ConfigurationState = 'set' | 'generated' | 'notSet';

/**
 * Whether each required variable is set. In development a missing AUTH_SECRET or MAIL_ENCRYPTION_KEY
 * is generated into DATA_DIR (lib/env.ts), which is in force although the variable is unset: that is
 * 'generated', not 'notSet'.
 */
export function configurationStatus(
  source: Record<string, string | undefined> = process.env,
  generated: readonly string[] = env().generatedSecrets,
): { name: (typeof REQUIRED_IN_PRODUCTION)[number]; state: ConfigurationState }[] {
  return REQUIRED_IN_PRODUCTION.map((name) => ({
    name,
    state: source[name]?.trim() ? 'set' : generated.includes(name) ? 'generated' : 'notSet',
  }));
}

export type ImportErrorKind = 'auth' | 'hostNotFound' | 'refused' | 'timeout' | 'certificate' | 'folder' | 'database' | 'other';

const IMPORT_ERROR_PATTERNS: [ImportErrorKind, RegExp][] = [
  ['auth', /password|authenticat|credentials|login|decrypt/i],
  ['certificate', /certificate|self[- ]signed|tls|ssl/i],
  ['hostNotFound', /ENOTFOUND|EAI_AGAIN|not found|no such host/i],
  ['refused', /ECONNREFUSED|refused/i],
  ['timeout', /ETIMEDOUT|timed? ?out/i],
  ['database', /^database error/i],
  ['folder', /^[^:]+: /],
];

/**
 * The importer stores its last error as the mail server's (English) text. The System page says in the
 * user's language what kind of problem it is, and shows the server's own words only as detail.
 */
export function importErrorKind(text: string): ImportErrorKind {
  return IMPORT_ERROR_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'other';
}

export function downloadWindow() {
  const { numberOfDaysToDownload, numberOfDaysToDownloadSource } = env();
  return { days: numberOfDaysToDownload, source: numberOfDaysToDownloadSource };
}

/** The newest migration in the code and the newest one applied to the database. */
export async function schemaVersion(db: Database) {
  const expected = journal.entries.at(-1);
  let appliedAt: number | null = null;
  try {
    const result = await db.execute<{ created_at: string | number }>(sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`);
    const rows = (Array.isArray(result) ? result : (result as { rows: { created_at: string | number }[] }).rows) as { created_at: string | number | null }[];
    appliedAt = rows[0]?.created_at == null ? null : Number(rows[0].created_at);
  } catch {
    appliedAt = null;
  }
  const applied = journal.entries.find((entry) => entry.when === appliedAt);
  return { expected: expected?.tag ?? 'none', applied: applied?.tag ?? null, upToDate: applied !== undefined && applied.tag === expected?.tag };
}

export const appVersion = () => packageJson.version;

/** Import health per account, for admins: whose mailbox, when it last ran, when it runs next, and how it went. */
export async function importStatusByAccount(db: Database) {
  return db
    .select({
      accountId: mailAccounts.id,
      emailAddress: mailAccounts.emailAddress,
      owner: users.email,
      status: mailAccounts.status,
      lastError: sql<string | null>`coalesce(${mailAccountSync.lastError}, ${mailAccounts.lastError})`,
      lastPassAt: mailAccountSync.lastPassAt,
      nextPassAt: mailAccountSync.nextPassAt,
      consecutiveFailures: mailAccountSync.consecutiveFailures,
      messages: sql<number>`(select ${count()} from ${mailMessages} where ${mailMessages.accountId} = ${mailAccounts.id})`.mapWith(Number),
    })
    .from(mailAccounts)
    .innerJoin(users, eq(users.id, mailAccounts.userId))
    .leftJoin(mailAccountSync, eq(mailAccountSync.accountId, mailAccounts.id))
    .orderBy(asc(users.email));
}
