import { getTableColumns, sql } from 'drizzle-orm';
import { executeRows } from '@/db/execute';
import { mailAttachments, mailMessages, type NewMailAttachment, type NewMailMessage } from '@/db/schema';
import type { Transaction } from './lease';
import type { FolderBatch, PreparedMessage } from './store';

/**
 * The batch's messages and their attachments in one statement. The rows travel as one JSON document
 * that Postgres unpacks with json_to_recordset(): measured on the import benchmark, the query builder's
 * multi-row INSERT (about 27 parameters per message, each mapped and serialised on its own) cost the
 * importer more CPU than parsing the mail did, and this costs a fraction of it on both sides. The
 * search vector arrives as a ready tsvector (see lib/search).
 *
 * The statement is written by hand, so its column lists are derived from the two tables below, and
 * those are checked against db/schema at compile time: adding a column to mail_messages or
 * mail_attachments without saying here how the importer fills it is a type error, not a column the
 * import silently leaves at its default.
 */

/** Columns the statement sets from the batch itself rather than from each record. */
type MessageColumnsFromBatch = 'accountId' | 'folderId' | 'uidValidity';
/** Columns the database fills: the id and the row's creation time. */
type MessageColumnsByDatabase = 'id' | 'createdAt';
type MessageRecordColumn = Exclude<keyof NewMailMessage, MessageColumnsFromBatch | MessageColumnsByDatabase>;
type AttachmentRecordColumn = Exclude<keyof NewMailAttachment, 'messageId' | 'createdAt'>;

/** How each column travels in the JSON record: its recordset type, and how it becomes the stored value when that is not a plain copy. */
interface RecordColumn {
  recordType: string;
  stored?: (name: string) => string;
}

const fromBase64 = (name: string) => `decode(${name}, 'base64')`;

const MESSAGE_RECORD_COLUMNS = {
  uid: { recordType: 'bigint' },
  messageId: { recordType: 'text' },
  inReplyTo: { recordType: 'text' },
  references: { recordType: 'text[]' },
  threadId: { recordType: 'text' },
  fromAddresses: { recordType: 'jsonb' },
  toAddresses: { recordType: 'jsonb' },
  ccAddresses: { recordType: 'jsonb' },
  bccAddresses: { recordType: 'jsonb' },
  replyToAddresses: { recordType: 'jsonb' },
  subject: { recordType: 'text' },
  sentAt: { recordType: 'timestamptz' },
  receivedAt: { recordType: 'timestamptz' },
  flags: { recordType: 'text[]' },
  size: { recordType: 'integer' },
  snippet: { recordType: 'text' },
  textBody: { recordType: 'text' },
  htmlBody: { recordType: 'text' },
  blockedRemoteImages: { recordType: 'integer' },
  hasRemoteContent: { recordType: 'boolean' },
  hasAttachments: { recordType: 'boolean' },
  parseError: { recordType: 'text' },
  rawSource: { recordType: 'text', stored: fromBase64 },
  search: { recordType: 'text', stored: (name) => `${name}::tsvector` },
  sanitizerVersion: { recordType: 'integer' },
  tokenizerVersion: { recordType: 'integer' },
} as const satisfies Record<MessageRecordColumn, RecordColumn>;

const ATTACHMENT_RECORD_COLUMNS = {
  id: { recordType: 'uuid' },
  filename: { recordType: 'text' },
  contentType: { recordType: 'text' },
  size: { recordType: 'integer' },
  contentId: { recordType: 'text' },
  disposition: { recordType: 'text' },
  isInline: { recordType: 'boolean' },
  part: { recordType: 'text' },
  content: { recordType: 'text', stored: fromBase64 },
} as const satisfies Record<AttachmentRecordColumn, RecordColumn>;

/**
 * The JSON records are keyed by the schema's TypeScript names (`messageId`), which the recordset
 * declares as its own column names, so a record needs no renaming; the INSERT names the database
 * columns (`message_id`).
 */
interface StatementColumns {
  /** `"messageId" text, …` for json_to_recordset(). */
  recordset: string;
  /** `"message_id", …` for the INSERT. */
  insert: string;
  /** `"messageId", decode("rawSource", 'base64') …` for its SELECT, each qualified with `qualifier.` when given. */
  select: (qualifier?: string) => string;
}

function statementColumns<Key extends string>(table: Record<Key, { name: string }>, columns: Record<Key, RecordColumn>): StatementColumns {
  const keys = Object.keys(columns) as Key[];
  // Quoted: camelCase survives only in quotes, and "references" is a reserved word.
  return {
    recordset: keys.map((key) => `"${key}" ${columns[key].recordType}`).join(', '),
    insert: keys.map((key) => `"${table[key].name}"`).join(', '),
    select: (qualifier) =>
      keys
        .map((key) => {
          const reference = qualifier ? `${qualifier}."${key}"` : `"${key}"`;
          return columns[key].stored?.(reference) ?? reference;
        })
        .join(', '),
  };
}

const MESSAGE = statementColumns<MessageRecordColumn>(getTableColumns(mailMessages), MESSAGE_RECORD_COLUMNS);
const ATTACHMENT = statementColumns<AttachmentRecordColumn>(getTableColumns(mailAttachments), ATTACHMENT_RECORD_COLUMNS);

// Built once: the names come from the schema, never from input.
const INSERT_BATCH_HEAD = sql.raw(`
  with batch as (
    select * from json_to_recordset(`);
const INSERT_BATCH_RECORDSET = sql.raw(`::text::json) as r(${MESSAGE.recordset}, attachments json)
  ),
  inserted as (
    insert into mail_messages (account_id, folder_id, uid_validity, ${MESSAGE.insert})
    select `);
const INSERT_BATCH_TAIL = sql.raw(`, ${MESSAGE.select()}
    from batch
    on conflict (folder_id, uid_validity, uid) do nothing
    returning id, uid
  ),
  attachments as (
    insert into mail_attachments (message_id, ${ATTACHMENT.insert})
    select inserted.id, ${ATTACHMENT.select('a')}
    from inserted
    join batch using ("uid")
    cross join lateral json_to_recordset(batch.attachments) as a(${ATTACHMENT.recordset})
  )
  select count(*)::integer as added from inserted`);

export async function insertMessages(tx: Transaction, batch: FolderBatch, messages: readonly PreparedMessage[]): Promise<number> {
  const records = JSON.stringify(
    messages.map((message) => messageRecord(batch, message)),
    storableJsonValue,
  );
  const [result] = await executeRows<{ added: number }>(
    tx,
    sql`${INSERT_BATCH_HEAD}${records}${INSERT_BATCH_RECORDSET}${batch.accountId}::uuid, ${batch.folderId}::uuid, ${batch.cursor.uidValidity}::bigint${INSERT_BATCH_TAIL}`,
  );
  return Number(result?.added ?? 0);
}

type MessageRecord = { [Key in MessageRecordColumn]: unknown } & { attachments: AttachmentRecord[] };
type AttachmentRecord = { [Key in AttachmentRecordColumn]: unknown };

/** A message as one JSON record of insertMessages(); every column must be given. */
function messageRecord(batch: FolderBatch, { fetched, parsed, searchVector, sanitizerVersion, tokenizerVersion }: PreparedMessage): MessageRecord {
  return {
    uid: fetched.uid,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    threadId: parsed.threadId,
    fromAddresses: parsed.from,
    toAddresses: parsed.to,
    ccAddresses: parsed.cc,
    bccAddresses: parsed.bcc,
    replyToAddresses: parsed.replyTo,
    subject: parsed.subject,
    sentAt: parsed.sentAt,
    receivedAt: fetched.internalDate ?? parsed.sentAt ?? batch.syncedAt,
    flags: fetched.flags,
    size: fetched.size,
    snippet: parsed.snippet,
    textBody: parsed.textBody,
    htmlBody: parsed.htmlBody,
    blockedRemoteImages: parsed.blockedRemoteImages,
    hasRemoteContent: parsed.hasRemoteContent,
    hasAttachments: parsed.hasAttachments,
    parseError: parsed.parseError,
    rawSource: parsed.parseError !== null ? fetched.source.toString('base64') : null,
    search: searchVector,
    sanitizerVersion,
    tokenizerVersion,
    attachments: parsed.attachments.map(
      (attachment): AttachmentRecord => ({
        id: attachment.id,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: attachment.size,
        contentId: attachment.contentId,
        disposition: attachment.disposition,
        isInline: attachment.isInline,
        part: attachment.part,
        content: attachment.content?.toString('base64') ?? null,
      }),
    ),
  };
}

/**
 * Postgres text cannot hold U+0000, nor a lone UTF-16 surrogate (which JSON would carry as a \ud8xx
 * escape that Postgres refuses): mail from the wild and numeric character references produce both.
 */
function storableJsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? storableText(value) : value;
}

export function storableText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '') : wellFormed;
}
