import { and, asc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { mailAttachments, mailFolders, mailMessages, type MailAccount, type MailFolder } from '@/db/schema';
import { log } from '@/lib/log';
import { SANITIZER_VERSION } from '@/lib/mail/html';
import { attachmentUrl } from '@/lib/mail/mime';
import type { ImapSession } from '@/lib/mail/transport';
import { TOKENIZER_VERSION } from '@/lib/search';
import { storableText } from './insert-messages';
import { withLease, type Lease, type Transaction } from './lease';
import { prepareBatch, type PreparedContent } from './prepare';

/**
 * Reprocessing: stored HTML and search words are what the sanitizer and the tokenizer of the day
 * made of a message, and its source is not kept. When either moves on (SANITIZER_VERSION,
 * TOKENIZER_VERSION), messages stored by an older version are fetched again from the mail server
 * and their derived columns re-prepared; everything else of the row (its id, flags, folder, dates,
 * addresses, attachments and their downloaded content) stays as it is.
 *
 * The work is its own cursor: each batch commits the new columns together with the versions that
 * made them, in one short transaction under the account's import lease (so it never races the
 * import of the same account, and a holder that lost the lease cannot write). A run killed at any
 * point loses at most the batch in flight, and the next run finds exactly what is still older.
 * Only messages within the download window are fetched again, as the import itself would.
 */

export interface ContentVersions {
  sanitizer: number;
  tokenizer: number;
}

export const CURRENT_CONTENT_VERSIONS: ContentVersions = { sanitizer: SANITIZER_VERSION, tokenizer: TOKENIZER_VERSION };

export interface ReprocessLimits {
  /** Start no batch after this moment (epoch ms). */
  deadline: number;
  stopSignal?: AbortSignal | undefined;
  /** Most messages re-prepared in this call. */
  maxMessages: number;
  /** Most messages fetched and committed together. */
  batchMessages: number;
  /** Messages received before this are not fetched again (the download window's start). */
  windowStart: Date;
  /** The versions to reach; the current ones unless a test pretends a bump. */
  versions?: ContentVersions;
}

export interface ReprocessCounts {
  reprocessed: number;
  /** Older messages the server no longer has (the next import pass removes them). */
  missing: number;
  /** Stopped at a limit with older messages possibly left. */
  remaining: boolean;
}

/** A few large messages make a batch of their own, as in the import. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

interface Candidate {
  id: string;
  uid: number;
  size: number;
  sanitizerVersion: number;
  tokenizerVersion: number;
}

const olderThan = (versions: ContentVersions) =>
  sql`(${mailMessages.sanitizerVersion}, ${mailMessages.tokenizerVersion}) < (${versions.sanitizer}::integer, ${versions.tokenizer}::integer)`;

/** Whether the account has messages within the window stored by older versions: one index probe per folder. */
export async function hasOlderContent(db: Database, accountId: string, windowStart: Date, versions: ContentVersions = CURRENT_CONTENT_VERSIONS): Promise<boolean> {
  for (const folder of await foldersWithMail(db, accountId)) {
    if ((await candidates(db, folder, null, 1, windowStart, versions)).length > 0) return true;
  }
  return false;
}

/**
 * Re-prepares the account's older messages, folder by folder, with an open session and under a
 * lease the caller holds. Returns when none are left or a limit is reached.
 */
export async function reprocessAccountMessages(
  db: Database,
  lease: Lease,
  session: ImapSession,
  account: Pick<MailAccount, 'id'>,
  limits: ReprocessLimits,
): Promise<ReprocessCounts> {
  const versions = limits.versions ?? CURRENT_CONTENT_VERSIONS;
  const counts: ReprocessCounts = { reprocessed: 0, missing: 0, remaining: false };
  const limitReached = () => Date.now() >= limits.deadline || limits.stopSignal?.aborted === true || counts.reprocessed + counts.missing >= limits.maxMessages;
  for (const folder of await foldersWithMail(db, account.id)) {
    // Where this run has got to in the folder's (versions, uid) order; messages the server no longer
    // has stay older and are passed over by it.
    let after: Candidate | null = null;
    let opened = false;
    for (;;) {
      const wanted = Math.min(limits.batchMessages, limits.maxMessages - counts.reprocessed - counts.missing);
      const found = wanted > 0 ? await candidates(db, folder, after, wanted, limits.windowStart, versions) : [];
      if (found.length === 0 && wanted > 0) break;
      if (limitReached()) {
        counts.remaining = true;
        return counts;
      }
      if (!opened) {
        const status = await openFolder(session, folder.path);
        // Gone, or renumbered: the import replaces the folder's messages, nothing to redo here.
        if (status === null || status.uidValidity !== folder.uidValidity) break;
        opened = true;
      }
      const batch = withinBatchBytes(found);
      after = batch.at(-1)!;
      const fetched = await session.fetchMessages(batch.map((candidate) => candidate.uid));
      const byUid = new Map(fetched.map((message) => [message.uid, message.source]));
      const present = batch.filter((candidate) => byUid.has(candidate.uid));
      const prepared = await prepareBatch(present.map((candidate) => byUid.get(candidate.uid)!));
      byUid.clear();
      const written = await withLease(db, lease, (tx) => storeReprocessed(tx, present, prepared));
      counts.reprocessed += written;
      counts.missing += batch.length - present.length;
    }
  }
  return counts;
}

async function foldersWithMail(db: Database, accountId: string): Promise<MailFolder[]> {
  return db
    .select()
    .from(mailFolders)
    .where(and(eq(mailFolders.accountId, accountId), isNotNull(mailFolders.uidValidity)))
    .orderBy(asc(mailFolders.path));
}

/** The next older messages of the folder after `after`, in index order (mail_messages_folder_versions_idx). */
async function candidates(db: Database, folder: MailFolder, after: Candidate | null, limit: number, windowStart: Date, versions: ContentVersions): Promise<Candidate[]> {
  return db
    .select({
      id: mailMessages.id,
      uid: mailMessages.uid,
      size: mailMessages.size,
      sanitizerVersion: mailMessages.sanitizerVersion,
      tokenizerVersion: mailMessages.tokenizerVersion,
    })
    .from(mailMessages)
    .where(
      and(
        eq(mailMessages.folderId, folder.id),
        olderThan(versions),
        after
          ? sql`(${mailMessages.sanitizerVersion}, ${mailMessages.tokenizerVersion}, ${mailMessages.uid}) > (${after.sanitizerVersion}::integer, ${after.tokenizerVersion}::integer, ${after.uid}::bigint)`
          : undefined,
        // Moved messages not yet known on the server carry another UIDVALIDITY (0) until the move is written.
        eq(mailMessages.uidValidity, folder.uidValidity!),
        gte(mailMessages.receivedAt, windowStart),
      ),
    )
    .orderBy(asc(mailMessages.sanitizerVersion), asc(mailMessages.tokenizerVersion), asc(mailMessages.uid))
    .limit(limit);
}

async function openFolder(session: ImapSession, path: string): Promise<{ uidValidity: number } | null> {
  try {
    return await session.open(path);
  } catch (error) {
    // NO to EXAMINE: the folder was deleted or renamed (the import's LIST deals with it).
    if ((error as { responseStatus?: unknown }).responseStatus === 'NO') return null;
    throw error;
  }
}

function withinBatchBytes(found: readonly Candidate[]): Candidate[] {
  const batch: Candidate[] = [];
  let bytes = 0;
  for (const candidate of found) {
    if (batch.length > 0 && bytes + candidate.size > MAX_BATCH_BYTES) break;
    batch.push(candidate);
    bytes += candidate.size;
  }
  return batch;
}

/**
 * Writes the re-prepared columns. Attachment rows stay (their ids are in archived links and their
 * downloaded content is kept): the new HTML is pointed at the stored attachment of the same body
 * part, and only a part the older parse did not have gets a row. A row whose versions changed
 * meanwhile (another worker did it) is left alone.
 */
async function storeReprocessed(tx: Transaction, messages: readonly Candidate[], prepared: readonly PreparedContent[]): Promise<number> {
  if (messages.length === 0) return 0;
  const stored = await tx
    .select({ id: mailAttachments.id, messageId: mailAttachments.messageId, part: mailAttachments.part })
    .from(mailAttachments)
    .where(
      inArray(
        mailAttachments.messageId,
        messages.map((message) => message.id),
      ),
    );
  let written = 0;
  for (const [index, message] of messages.entries()) {
    const { parsed, searchVector, unparsedSource, sanitizerVersion, tokenizerVersion } = prepared[index]!;
    const storedByPart = new Map(stored.filter((row) => row.messageId === message.id && row.part !== null).map((row) => [row.part!, row.id]));
    let html = parsed.htmlBody;
    const added: typeof parsed.attachments = [];
    for (const attachment of parsed.attachments) {
      const storedId = attachment.part === null ? undefined : storedByPart.get(attachment.part);
      if (storedId === undefined) added.push(attachment);
      else if (html !== null) html = html.replaceAll(attachmentUrl(attachment.id), attachmentUrl(storedId));
    }
    const updated = await tx
      .update(mailMessages)
      .set({
        snippet: storableText(parsed.snippet),
        textBody: parsed.textBody === null ? null : storableText(parsed.textBody),
        htmlBody: html === null ? null : storableText(html),
        blockedRemoteImages: parsed.blockedRemoteImages,
        hasRemoteContent: parsed.hasRemoteContent,
        parseError: parsed.parseError === null ? null : storableText(parsed.parseError),
        rawSource: unparsedSource,
        search: sql`${storableText(searchVector)}::tsvector`,
        sanitizerVersion,
        tokenizerVersion,
      })
      .where(
        and(
          eq(mailMessages.id, message.id),
          eq(mailMessages.sanitizerVersion, message.sanitizerVersion),
          eq(mailMessages.tokenizerVersion, message.tokenizerVersion),
        ),
      )
      .returning({ id: mailMessages.id });
    if (updated.length === 0) continue;
    written += 1;
    if (added.length > 0) {
      await tx.insert(mailAttachments).values(
        added.map((attachment) => ({
          id: attachment.id,
          messageId: message.id,
          filename: attachment.filename === null ? null : storableText(attachment.filename),
          contentType: storableText(attachment.contentType),
          size: attachment.size,
          contentId: attachment.contentId === null ? null : storableText(attachment.contentId),
          disposition: attachment.disposition === null ? null : storableText(attachment.disposition),
          isInline: attachment.isInline,
          part: attachment.part,
          content: attachment.content,
        })),
      );
    }
  }
  return written;
}

/**
 * The import pass's share of the work: a bounded number of messages per account and pass, after the
 * account is otherwise caught up, with the pass's session and lease. An account found with nothing
 * older is remembered for the life of the process (everything imported since carries the current
 * versions), so a pass with nothing to redo costs no query after the first.
 */
const accountsUpToDate = new Set<string>();

export const REPROCESS_PER_PASS = 200;

export async function reprocessDuringPass(
  db: Database,
  lease: Lease,
  session: ImapSession,
  account: Pick<MailAccount, 'id'>,
  limits: Omit<ReprocessLimits, 'maxMessages'>,
): Promise<ReprocessCounts> {
  const versions = limits.versions ?? CURRENT_CONTENT_VERSIONS;
  const key = `${account.id}:${limits.windowStart.toISOString()}:${versions.sanitizer}:${versions.tokenizer}`;
  if (accountsUpToDate.has(key)) return { reprocessed: 0, missing: 0, remaining: false };
  const counts = await reprocessAccountMessages(db, lease, session, account, { ...limits, maxMessages: REPROCESS_PER_PASS });
  if (!counts.remaining) accountsUpToDate.add(key);
  if (counts.reprocessed > 0 || counts.missing > 0) log('info', 'mail reprocessed', { accountId: account.id, ...counts });
  return counts;
}

/** Forgets which accounts were found up to date (tests that make stored content older again). */
export function forgetUpToDateAccounts(): void {
  accountsUpToDate.clear();
}
