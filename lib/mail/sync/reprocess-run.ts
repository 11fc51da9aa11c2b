import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAccounts, mailAccountSync } from '@/db/schema';
import { env } from '@/lib/env';
import { errorText, log } from '@/lib/log';
import { openSession } from './account-pass';
import { windowStartFor } from './folder-pass';
import { acquireLease, ensureSyncRows, LeaseLostError, type Lease } from './lease';
import { defaultWorkerId } from './pass';
import { CURRENT_CONTENT_VERSIONS, hasOlderContent, reprocessAccountMessages, type ContentVersions } from './reprocess';

// `npm run mail:reprocess`: all of the older messages at once, account by account, rather than the
// few per pass the import does by itself.

export interface ReprocessRunOptions {
  /** Only these accounts. */
  accountIds?: readonly string[];
  /** Stop starting new batches after this long. */
  budgetMs: number;
  /**
   * How long the lease is held at a time. Between slices it is free, so the import (and with it the
   * user's changes to the server) gets its turn on a large mailbox.
   */
  sliceMs?: number;
  /** How long to wait for an account whose lease another worker holds before passing it over. */
  leaseWaitMs?: number;
  batchMessages?: number;
  daysToDownload?: number;
  now?: Date;
  workerId?: string;
  stopSignal?: AbortSignal;
  versions?: ContentVersions;
}

export interface AccountReprocessSummary {
  accountId: string;
  emailAddress: string;
  outcome: 'ok' | 'up_to_date' | 'busy' | 'failed' | 'lease_lost';
  reprocessed: number;
  missing: number;
  error: string | null;
  /** Older messages are left (the budget ran out). */
  workRemaining: boolean;
}

export interface ReprocessSummary {
  workerId: string;
  versions: ContentVersions;
  windowStart: string;
  durationMs: number;
  accounts: AccountReprocessSummary[];
  workRemaining: boolean;
}

const LEASE_TTL_MS = 120_000;
const DEFAULT_SLICE_MS = 20_000;
const DEFAULT_LEASE_WAIT_MS = 5 * 60_000;
const LEASE_POLL_MS = 1000;

export async function runReprocess(db: Database, options: ReprocessRunOptions): Promise<ReprocessSummary> {
  const startedAt = Date.now();
  const deadline = startedAt + options.budgetMs;
  const workerId = options.workerId ?? defaultWorkerId();
  const versions = options.versions ?? CURRENT_CONTENT_VERSIONS;
  const windowStart = windowStartFor(options.now ?? new Date(), options.daysToDownload ?? env().numberOfDaysToDownload);
  const outOfTime = () => Date.now() >= deadline || options.stopSignal?.aborted === true;

  await ensureSyncRows(db, options.accountIds);
  const accounts = await db
    .select()
    .from(mailAccounts)
    .where(options.accountIds ? inArray(mailAccounts.id, [...options.accountIds]) : undefined)
    .orderBy(asc(mailAccounts.createdAt));
  const summaries: AccountReprocessSummary[] = [];
  let workRemaining = false;
  for (const account of accounts) {
    const summary: AccountReprocessSummary = {
      accountId: account.id,
      emailAddress: account.emailAddress,
      outcome: 'ok',
      reprocessed: 0,
      missing: 0,
      error: null,
      workRemaining: false,
    };
    summaries.push(summary);
    if (outOfTime()) {
      summary.workRemaining = workRemaining = true;
      continue;
    }
    if (!(await hasOlderContent(db, account.id, windowStart, versions))) {
      summary.outcome = 'up_to_date';
      continue;
    }
    for (;;) {
      const lease = await waitForLease(db, account.id, workerId, Math.min(deadline, Date.now() + (options.leaseWaitMs ?? DEFAULT_LEASE_WAIT_MS)));
      if (!lease) {
        summary.outcome = 'busy';
        summary.workRemaining = workRemaining = true;
        break;
      }
      let remaining = false;
      try {
        const session = await openSession(db, account, {});
        try {
          const counts = await reprocessAccountMessages(db, lease, session, account, {
            deadline: Math.min(deadline, Date.now() + (options.sliceMs ?? DEFAULT_SLICE_MS)),
            stopSignal: options.stopSignal,
            maxMessages: Number.MAX_SAFE_INTEGER,
            batchMessages: options.batchMessages ?? 100,
            windowStart,
            versions,
          });
          summary.reprocessed += counts.reprocessed;
          summary.missing += counts.missing;
          remaining = counts.remaining;
        } finally {
          await session.close();
        }
      } catch (error) {
        summary.outcome = error instanceof LeaseLostError ? 'lease_lost' : 'failed';
        summary.error = errorText(error);
        log('warn', 'mail reprocessing failed', { accountId: account.id, error: summary.error });
      } finally {
        await freeLease(db, lease);
      }
      if (summary.outcome !== 'ok' || !remaining) break;
      if (outOfTime()) {
        summary.workRemaining = workRemaining = true;
        break;
      }
    }
    log('info', 'mail reprocessed', { accountId: account.id, outcome: summary.outcome, reprocessed: summary.reprocessed, missing: summary.missing });
  }
  return {
    workerId,
    versions,
    windowStart: windowStart.toISOString(),
    durationMs: Date.now() - startedAt,
    accounts: summaries,
    workRemaining,
  };
}

async function waitForLease(db: Database, accountId: string, workerId: string, until: number): Promise<Lease | null> {
  for (;;) {
    const lease = await acquireLease(db, accountId, workerId, LEASE_TTL_MS);
    if (lease || Date.now() + LEASE_POLL_MS > until) return lease;
    await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
  }
}

/**
 * Frees the lease without recording a pass: reprocessing says nothing about the account's import,
 * whose schedule, failure count and progress stay as the last pass left them.
 */
async function freeLease(db: Database, lease: Lease): Promise<void> {
  await db
    .update(mailAccountSync)
    .set({ leaseOwner: null, leaseExpiresAt: null, updatedAt: sql`now()` })
    .where(and(eq(mailAccountSync.accountId, lease.accountId), eq(mailAccountSync.leaseToken, lease.token)));
}
