import type { Logger } from 'imapflow';
import type { Database } from '@/db';
import type { MailAccount } from '@/db/schema';
import type { ImapSession, SyncExtensions } from '@/lib/mail/transport';
import type { Lease } from './lease';
import type { AccountImportSummary } from './pass';

/** Time to stop starting new work: the budget is spent or the server is shutting down. */
export function outOfTime(context: Pick<PassContext, 'deadline' | 'stopSignal'>): boolean {
  return Date.now() >= context.deadline || context.stopSignal?.aborted === true;
}

/** What every step of a pass needs to know. */
export interface PassContext {
  db: Database;
  workerId: string;
  now: Date;
  deadline: number;
  stopSignal: AbortSignal | undefined;
  daysToDownload: number;
  intervalMs: number;
  leaseTtlMs: number;
  imapLogger: Logger | undefined;
  imapExtensions: SyncExtensions;
  maxBatchMessages: number;
}

export interface AccountContext extends PassContext {
  lease: Lease;
  account: MailAccount;
  session: ImapSession;
  summary: AccountImportSummary;
}

export type FailureKind = 'auth' | 'other';

export class AccountFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AccountFailure';
  }
}
