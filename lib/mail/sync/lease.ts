import { and, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import { mailAccounts, mailAccountSync, type MailImportProgress } from '@/db/schema';

/**
 * One worker at a time imports an account. A worker holds a lease (a row in mail_account_sync with
 * an owner, an expiry and a fencing token); every commit of imported mail runs in a transaction that
 * first checks the token is still the one it acquired. A worker that stalled past its expiry (a long
 * GC pause, a hung connection) and lost the lease to another therefore cannot move a cursor back
 * or insert anything: its commit fails with LeaseLostError and rolls back.
 *
 * Lease expiry is measured on the database clock, the one clock all app instances share.
 */

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';

  constructor(accountId: string) {
    super(`The import lease for account ${accountId} was taken over by another worker.`);
  }
}

export interface Lease {
  accountId: string;
  workerId: string;
  /** The fencing token this holder acquired. */
  token: number;
  ttlMs: number;
}

/** The transaction handle drizzle passes to `db.transaction()` callbacks. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Makes sure every account (or the given ones) has its sync row, so due-ness and leases have something to work on. */
export async function ensureSyncRows(db: Database, accountIds?: readonly string[]): Promise<void> {
  const only = accountIds ? sql`where ${inArray(mailAccounts.id, [...accountIds])}` : sql``;
  await db.execute(
    sql`insert into ${mailAccountSync} (${sql.identifier(mailAccountSync.accountId.name)}) select ${mailAccounts.id} from ${mailAccounts} ${only} on conflict do nothing`,
  );
}

const leaseExpiry = (ttlMs: number) => sql`now() + make_interval(secs => ${ttlMs / 1000})`;

export interface ClaimFilter {
  /** Only these accounts. */
  accountIds?: readonly string[];
  /**
   * Only accounts that are caught up (imported before, nothing left over): the slots a pass keeps
   * for them while first imports hold the rest.
   */
  caughtUpOnly?: boolean;
  /** Accounts this pass has already brought up to date: each gets at most one complete turn per pass. */
  finished?: ReadonlySet<string>;
}

/**
 * Takes the lease of the longest-waiting due account in one statement: the row is picked with FOR
 * UPDATE SKIP LOCKED, so any number of workers (app instances, overlapping cron calls, the slots of
 * one pass) claiming at the same moment each get a different account and never wait on each other.
 * Due-ness is checked again at the claim, so an account another worker just finished (and made due
 * later) is not imported twice in a row. Null when nothing due is free.
 */
export async function claimNextDueAccount(
  db: Database,
  now: Date,
  workerId: string,
  ttlMs: number,
  filter: ClaimFilter = {},
): Promise<(Lease & { catchingUp: boolean }) | null> {
  const s = mailAccountSync;
  const only = filter.accountIds ? sql`and ${inArray(s.accountId, [...filter.accountIds])}` : sql``;
  const caughtUp = filter.caughtUpOnly ? sql`and ${s.lastPassAt} is not null and ${s.progress} is null` : sql``;
  const notFinished = filter.finished?.size ? sql`and ${notInArray(s.accountId, [...filter.finished])}` : sql``;
  const rows = await executeRows<{ account_id: string; lease_token: string | number; catching_up: boolean }>(db, sql`
    update ${s}
       set lease_owner = ${workerId}, lease_expires_at = ${leaseExpiry(ttlMs)}, lease_token = lease_token + 1, updated_at = now()
     where account_id = (
       select ${s.accountId} from ${s} join ${mailAccounts} on ${mailAccounts.id} = ${s.accountId}
        where (${s.nextPassAt} <= ${now.toISOString()}::timestamptz or ${s.lastPassAt} is null or ${mailAccounts.updatedAt} > ${s.lastPassAt})
          and (${s.leaseExpiresAt} is null or ${s.leaseExpiresAt} <= now())
          ${only} ${caughtUp} ${notFinished}
        order by ${s.nextPassAt}, ${s.lastPassAt} nulls first
        limit 1
        for update of ${s} skip locked)
       and (lease_expires_at is null or lease_expires_at <= now())
    returning account_id, lease_token, (last_pass_at is null or progress is not null) as catching_up`);
  const row = rows[0];
  return row ? { accountId: row.account_id, workerId, token: Number(row.lease_token), ttlMs, catchingUp: row.catching_up } : null;
}

/** How many due accounts another worker holds right now, and how many are free. */
export async function countDue(
  db: Database,
  now: Date,
  accountIds?: readonly string[],
  finished?: ReadonlySet<string>,
): Promise<{ leased: number; free: number }> {
  const s = mailAccountSync;
  const only = accountIds ? sql`and ${inArray(s.accountId, [...accountIds])}` : sql``;
  const notFinished = finished?.size ? sql`and ${notInArray(s.accountId, [...finished])}` : sql``;
  const rows = await executeRows<{ leased: string | number; free: string | number }>(db, sql`
    select count(*) filter (where ${s.leaseExpiresAt} > now()) as leased,
           count(*) filter (where ${s.leaseExpiresAt} is null or ${s.leaseExpiresAt} <= now()) as free
      from ${s} join ${mailAccounts} on ${mailAccounts.id} = ${s.accountId}
     where (${s.nextPassAt} <= ${now.toISOString()}::timestamptz or ${s.lastPassAt} is null or ${mailAccounts.updatedAt} > ${s.lastPassAt}) ${only} ${notFinished}`);
  return { leased: Number(rows[0]?.leased ?? 0), free: Number(rows[0]?.free ?? 0) };
}

/**
 * Takes the account's lease when it is free or expired: one conditional UPDATE, so of two workers
 * racing for it exactly one gets a row back. Returns null when another worker holds it.
 */
export async function acquireLease(db: Database, accountId: string, workerId: string, ttlMs: number): Promise<Lease | null> {
  const [row] = await db
    .update(mailAccountSync)
    .set({
      leaseOwner: workerId,
      leaseExpiresAt: leaseExpiry(ttlMs),
      leaseToken: sql`${mailAccountSync.leaseToken} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(mailAccountSync.accountId, accountId),
        or(isNull(mailAccountSync.leaseExpiresAt), sql`${mailAccountSync.leaseExpiresAt} <= now()`),
      ),
    )
    .returning({ token: mailAccountSync.leaseToken });
  return row ? { accountId, workerId, token: row.token, ttlMs } : null;
}

/**
 * Runs `work` in a transaction that first proves the lease is still ours (and extends it, and
 * records progress when given). The token check takes the sync row's lock until commit, so a
 * worker acquiring the lease meanwhile waits for this transaction and then gets a newer token.
 */
export async function withLease<T>(
  db: Database,
  lease: Lease,
  work: (tx: Transaction) => Promise<T>,
  progress?: MailImportProgress | null,
): Promise<T> {
  return db.transaction(async (tx) => {
    const renewed = await tx
      .update(mailAccountSync)
      .set({ leaseExpiresAt: leaseExpiry(lease.ttlMs), updatedAt: sql`now()`, ...(progress !== undefined ? { progress } : {}) })
      .where(and(eq(mailAccountSync.accountId, lease.accountId), eq(mailAccountSync.leaseToken, lease.token)))
      .returning({ token: mailAccountSync.leaseToken });
    if (renewed.length === 0) throw new LeaseLostError(lease.accountId);
    return work(tx);
  });
}

export interface PassOutcome {
  /** When the account is due again. */
  nextPassAt: Date;
  /** When this pass ran. */
  passAt: Date;
  /** Null after a successful pass (which also resets the failure count). */
  error: string | null;
  progress: MailImportProgress | null;
}

/** Records how the pass went and frees the lease; does nothing when the lease was lost meanwhile. */
export async function releaseLease(db: Database, lease: Lease, outcome: PassOutcome): Promise<boolean> {
  const released = await db
    .update(mailAccountSync)
    .set({
      leaseOwner: null,
      leaseExpiresAt: null,
      lastPassAt: outcome.passAt,
      nextPassAt: outcome.nextPassAt,
      consecutiveFailures: outcome.error === null ? 0 : sql`${mailAccountSync.consecutiveFailures} + 1`,
      lastError: outcome.error,
      progress: outcome.progress,
      updatedAt: sql`now()`,
    })
    .where(and(eq(mailAccountSync.accountId, lease.accountId), eq(mailAccountSync.leaseToken, lease.token)))
    .returning({ accountId: mailAccountSync.accountId });
  return released.length > 0;
}

/** The failure count before this pass, for the back-off. */
export async function consecutiveFailuresOf(db: Database, accountId: string): Promise<number> {
  const [row] = await db
    .select({ failures: mailAccountSync.consecutiveFailures })
    .from(mailAccountSync)
    .where(eq(mailAccountSync.accountId, accountId));
  return row?.failures ?? 0;
}
