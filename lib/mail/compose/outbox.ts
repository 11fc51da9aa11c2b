import 'server-only';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { composeSettings, mailAccountSync, mailDraftAttachments, mailDrafts, type MailDraft, type MailDraftArchiveRequest, type MailDraftError } from '@/db/schema';
import { archiveSentMessage } from '@/lib/crm/documents';
import { UserFacingError } from '@/lib/actions/errors';
import { log } from '@/lib/log';
import { mailboxCredentials, MailboxSignInError } from '@/lib/mail/account';
import { runImportPass } from '@/lib/mail/sync';
import { EDITABLE_STATES, requireAccount, syncDraftCopy } from './drafts';
import { buildMessage } from './mime';
import { deleteDraftCopy, fileSentCopy, isInSentFolder, storesSentMailItself } from './mailbox-copies';
import { DeliveryError, deliverSource, senderOf } from './send';

/**
 * The outbox. Send marks a draft `scheduled` with send_after = now + the undo delay; a worker (the
 * action's after(), the app's timer) claims due drafts with one UPDATE … WHERE state = 'scheduled',
 * so two workers never both send one. A send whose outcome is unknown (the connection broke after
 * the whole message was handed over) is never retried by itself; sending it again needs the user,
 * and first looks for its Message-ID in Sent, where providers that file sent mail themselves put it.
 */

export const DEFAULT_UNDO_SEND_SECONDS = 5;
export const UNDO_SEND_CHOICES = [0, 5, 10, 20, 30] as const;
/** A draft still `sending` after this long belongs to a worker that died mid-send. */
const STALE_SENDING_MS = 10 * 60_000;

export async function getUndoSendSeconds(db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ seconds: composeSettings.undoSendSeconds }).from(composeSettings).where(eq(composeSettings.userId, userId));
  return row?.seconds ?? DEFAULT_UNDO_SEND_SECONDS;
}

export async function setUndoSendSeconds(db: Database, userId: string, seconds: number): Promise<void> {
  await db
    .insert(composeSettings)
    .values({ userId, undoSendSeconds: seconds })
    .onConflictDoUpdate({ target: composeSettings.userId, set: { undoSendSeconds: seconds, updatedAt: new Date() } });
}

/** Queues the draft; it leaves once the undo delay has passed. Returns when. */
export async function scheduleSend(db: Database, userId: string, draftId: string, now = new Date(), archiveOnSend: MailDraftArchiveRequest | null = null): Promise<{ sendAfter: Date }> {
  const account = await requireAccount(db, userId);
  const [draft] = await db.select().from(mailDrafts).where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.accountId, account.id)));
  if (!draft) throw new UserFacingError('compose.draftGone');
  if (draft.toAddresses.length + draft.ccAddresses.length + draft.bccAddresses.length === 0) throw new UserFacingError('compose.recipientRequired', {}, 'to');
  const sendAfter = new Date(now.getTime() + (await getUndoSendSeconds(db, userId)) * 1000);
  const [scheduled] = await db
    .update(mailDrafts)
    .set({ state: 'scheduled', sendAfter, lastError: null, archiveOnSend, updatedAt: new Date() })
    .where(and(eq(mailDrafts.id, draftId), inArray(mailDrafts.state, [...EDITABLE_STATES])))
    .returning({ id: mailDrafts.id });
  if (!scheduled) throw new UserFacingError('compose.alreadySending');
  return { sendAfter };
}

/** Undo send: back to a draft, when it has not been claimed yet. */
export async function undoSend(db: Database, userId: string, draftId: string): Promise<boolean> {
  const account = await requireAccount(db, userId);
  const [undone] = await db
    .update(mailDrafts)
    .set({ state: 'draft', sendAfter: null, updatedAt: new Date() })
    .where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.accountId, account.id), eq(mailDrafts.state, 'scheduled')))
    .returning({ id: mailDrafts.id });
  return Boolean(undone);
}

/**
 * The user asks to send a message whose earlier attempt ended unknown. When its Message-ID is in
 * Sent, it did go out: marked sent, nothing sent again. Otherwise it is queued (same Message-ID).
 */
export async function resolveUnknown(db: Database, userId: string, draftId: string): Promise<'found-in-sent' | 'scheduled'> {
  const account = await requireAccount(db, userId);
  const [draft] = await db.select().from(mailDrafts).where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.accountId, account.id), eq(mailDrafts.state, 'unknown')));
  if (!draft) throw new UserFacingError('compose.draftGone');
  if (await isInSentFolder((await mailboxCredentials(db, account)).imap, draft.messageId)) {
    await db.update(mailDrafts).set({ state: 'sent', sentAt: new Date(), lastError: null }).where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.state, 'unknown')));
    return 'found-in-sent';
  }
  const [queued] = await db
    .update(mailDrafts)
    .set({ state: 'scheduled', sendAfter: new Date(), updatedAt: new Date() })
    .where(and(eq(mailDrafts.id, draftId), eq(mailDrafts.state, 'unknown')))
    .returning({ id: mailDrafts.id });
  if (!queued) throw new UserFacingError('compose.alreadySending');
  return 'scheduled';
}

/** Claims due drafts for this worker: the state change is the lock. */
export async function claimDueDrafts(db: Database, limit = 10): Promise<MailDraft[]> {
  const claimed = await db
    .update(mailDrafts)
    .set({ state: 'sending', attempts: sql`${mailDrafts.attempts} + 1`, updatedAt: new Date() })
    .where(
      and(
        eq(mailDrafts.state, 'scheduled'),
        inArray(
          mailDrafts.id,
          db.select({ id: mailDrafts.id }).from(mailDrafts).where(and(eq(mailDrafts.state, 'scheduled'), lt(mailDrafts.sendAfter, sql`now() + interval '1 millisecond'`))).limit(limit),
        ),
      ),
    )
    .returning();
  return claimed;
}

export interface OutboxRun {
  sent: string[];
  failed: string[];
  unknown: string[];
}

/** Sends every due draft once; also turns drafts left `sending` by a dead worker into `unknown`. */
export async function runDueSends(db: Database): Promise<OutboxRun> {
  await db
    .update(mailDrafts)
    .set({ state: 'unknown', lastError: { key: 'compose.interrupted' } })
    .where(and(eq(mailDrafts.state, 'sending'), lt(mailDrafts.updatedAt, new Date(Date.now() - STALE_SENDING_MS))));
  const run: OutboxRun = { sent: [], failed: [], unknown: [] };
  for (const draft of await claimDueDrafts(db)) {
    const outcome = await sendClaimed(db, draft);
    run[outcome].push(draft.id);
  }
  return run;
}

async function sendClaimed(db: Database, draft: MailDraft): Promise<keyof OutboxRun> {
  const setState = (state: 'failed' | 'unknown' | 'sent', lastError: MailDraftError | null) =>
    db
      .update(mailDrafts)
      .set({ state, lastError, updatedAt: new Date(), ...(state === 'sent' ? { sentAt: new Date() } : {}), ...(state === 'failed' ? { sendAfter: null } : {}) })
      .where(and(eq(mailDrafts.id, draft.id), eq(mailDrafts.state, 'sending')));
  try {
    const account = await db.query.mailAccounts.findFirst({ where: (table, { eq: equals }) => equals(table.id, draft.accountId), with: { user: true } });
    if (!account) throw new DeliveryError('failed', new UserFacingError('compose.noAccount'));
    const credentials = await mailboxCredentials(db, account).catch((error: unknown) => {
      // The provider refused to renew the sign-in: nothing was sent, and the user has to reconnect.
      if (error instanceof MailboxSignInError) throw new DeliveryError('failed', new UserFacingError('compose.signInRefused'));
      throw error;
    });
    const files = await db.select().from(mailDraftAttachments).where(eq(mailDraftAttachments.draftId, draft.id));
    // A file whose upload broke off is not sent half.
    if (files.some((file) => file.content.length !== file.size)) throw new DeliveryError('failed', new UserFacingError('compose.attachmentIncomplete'));
    const date = new Date();
    const built = await buildMessage(draft, files, senderOf(account, account.user), date);
    const fields = { to: draft.toAddresses, cc: draft.ccAddresses, bcc: draft.bccAddresses };
    const delivery = await deliverSource(credentials.smtp, built.smtpSource, built.envelope, fields);
    await setState('sent', delivery.rejectedRecipients.length > 0 ? { key: 'compose.partlyRejected', values: { recipients: delivery.rejectedRecipients.join(', '), count: delivery.rejectedRecipients.length } } : null);

    // After the message left: the copy in Sent, the draft out of Drafts, and an import so Sent shows it.
    if (!storesSentMailItself(credentials)) {
      await fileSentCopy(credentials.imap, built.copySource, date).catch((error: unknown) => {
        log('warn', 'message sent, but saving it to Sent failed', { error: error instanceof Error ? error.message : String(error) });
      });
    }
    await deleteDraftCopy(credentials.imap, { folder: draft.serverDraftFolder, uid: draft.serverDraftUid, uidValidity: draft.serverDraftUidValidity }).catch(() => undefined);
    if (draft.archiveOnSend) await archiveAfterSending(db, account.userId, built.copySource, draft.archiveOnSend);
    await importSentSoon(db, account.id);
    return 'sent';
  } catch (error) {
    if (error instanceof DeliveryError) {
      await setState(error.outcome, { key: error.reason.messageKey, values: error.reason.values });
      log('warn', error.outcome === 'unknown' ? 'send outcome unknown' : 'send failed', { draft: draft.id, reason: error.reason.messageKey });
      if (error.outcome === 'failed') void syncDraftCopy(db, draft.id);
      return error.outcome;
    }
    // Failing before the SMTP conversation (database, credentials) sent nothing.
    log('error', 'sending a draft failed', { draft: draft.id, error });
    await setState('failed', { key: 'compose.sendUnexpected' });
    return 'failed';
  }
}

/**
 * "Send and archive": the message is archived from the bytes that went to Sent. It has left, so a
 * failure here must not make the send look failed: it is logged, and the message can be archived
 * from Sent like any other.
 */
async function archiveAfterSending(db: Database, userId: string, source: Buffer, request: MailDraftArchiveRequest): Promise<void> {
  try {
    const { visibility, ...links } = request;
    await archiveSentMessage(db, { id: userId }, source, { visibility, ourReference: '', yourReference: '', completed: true }, links);
  } catch (error) {
    log('warn', 'message sent, but archiving it into the CRM failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

/** The account's next import is made due and run now, so the copy in Sent appears without waiting for the timer. */
async function importSentSoon(db: Database, accountId: string): Promise<void> {
  try {
    await db.update(mailAccountSync).set({ nextPassAt: new Date() }).where(eq(mailAccountSync.accountId, accountId));
    await runImportPass(db, { budgetMs: 20_000, accountIds: [accountId] });
  } catch (error) {
    log('warn', 'importing after a send failed', { error: error instanceof Error ? error.message : String(error) });
  }
}
