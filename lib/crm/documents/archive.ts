import type { Database } from '@/db';
import { UserFacingError } from '@/lib/actions/errors';
import { RecordNotFoundError, type Viewer } from '@/lib/crm/shared';
import { fetchOriginalSource, getAttachmentForUser, getMessagesForArchive, loadAttachmentContent, type AttachmentFailureKind, type MessageForArchive } from '@/lib/mail/mailbox';
import { parseMessage, type ParsedMessage } from '@/lib/mail/mime';
import { documentAttachmentUrl, type ArchiveAttachmentInput, type ArchiveMessagesInput, type DocumentFieldsInput, type DocumentLinksInput } from './client';
import { linkArchivedDocument, storeDocument, type ArchivedDocument, type NewDocument } from './store';

/** Why a message could not be archived, as the dialog says it. */
function fetchFailure(kind: AttachmentFailureKind): UserFacingError {
  if (kind === 'not_found') return new RecordNotFoundError();
  return new UserFacingError(`documents.original.${kind}`);
}

/** A day the user picked keeps the message's time of day, so two mails of one day stay in order. */
function documentDateOf(fields: Pick<DocumentFieldsInput, 'date'>, messageDate: Date, single: boolean): Date {
  if (!single || fields.date === '') return messageDate;
  const picked = new Date(`${fields.date}T00:00:00Z`);
  picked.setUTCHours(messageDate.getUTCHours(), messageDate.getUTCMinutes(), messageDate.getUTCSeconds());
  return picked;
}

/** A file name for the original: the subject, without characters that file systems refuse. */
export function emlFilename(subject: string): string {
  const base = subject.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
  return `${base || 'message'}.eml`;
}

/** The document of a whole message, from its parsed original: everything it shows comes from the original. */
function emailDocument(
  source: Buffer,
  parsed: ParsedMessage,
  details: Pick<NewDocument, 'kind' | 'origin' | 'subject' | 'documentDate' | 'threadId' | 'inReplyTo'>,
): NewDocument {
  return {
    ...details,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    textBody: parsed.textBody,
    htmlBody: parsed.htmlBody,
    blockedRemoteImages: parsed.blockedRemoteImages,
    filename: emlFilename(details.subject),
    contentType: 'message/rfc822',
    content: source,
    attachments: parsed.attachments,
    searchText: [parsed.searchText, ...parsed.attachments.map((attachment) => attachment.filename ?? '')].join(' '),
  };
}

function documentFromMessage(message: MessageForArchive, source: Buffer, parsed: ParsedMessage, fields: DocumentFieldsInput, single: boolean): NewDocument {
  const messageDate = parsed.sentAt ?? message.sentAt ?? message.receivedAt;
  const subject = (single && fields.subject) || message.subject || parsed.subject;
  return emailDocument(source, parsed, {
    kind: single && fields.kind ? fields.kind : message.outgoing ? 'email_out' : 'email_in',
    origin: { messageIdHeader: message.messageId, mailMessageId: message.id, part: null },
    subject,
    documentDate: documentDateOf(fields, messageDate, single),
    threadId: message.threadId,
    inReplyTo: message.inReplyTo,
  });
}

/**
 * Archives the user's own messages with one set of links and fields (the dialog is shown once for
 * a selection). Each message's complete original is fetched from the mail server now, so the
 * document no longer depends on the mailbox. A message already archived (same Message-ID, visible
 * to the viewer) is not stored twice: its document gets the links.
 */
export async function archiveMessages(db: Database, viewer: Viewer, input: ArchiveMessagesInput): Promise<ArchivedDocument[]> {
  const messages = await getMessagesForArchive(db, viewer.id, input.messageIds);
  if (messages.length !== new Set(input.messageIds.map((id) => id.toLowerCase())).size) throw new RecordNotFoundError();
  const links: DocumentLinksInput = input;
  const single = messages.length === 1;
  const results: ArchivedDocument[] = [];
  for (const message of messages) {
    const origin = { messageIdHeader: message.messageId, mailMessageId: message.id, part: null };
    const linked = await linkArchivedDocument(db, viewer, origin, links);
    if (linked) {
      results.push(linked);
      continue;
    }
    const fetched = await fetchOriginalSource(db, viewer.id, message.id);
    if (!fetched.ok) throw fetchFailure(fetched.kind);
    const parsed = parseMessage(fetched.source, undefined, documentAttachmentUrl);
    results.push(await storeDocument(db, viewer, documentFromMessage(message, fetched.source, parsed, input, single), input, links));
  }
  return results;
}

/** Archives one attachment of the user's own message as a document of its own, linked like the message. */
export async function archiveAttachment(db: Database, viewer: Viewer, input: ArchiveAttachmentInput): Promise<ArchivedDocument> {
  const attachment = await getAttachmentForUser(db, viewer.id, input.attachmentId);
  if (!attachment?.part) throw new RecordNotFoundError();
  const [message] = await getMessagesForArchive(db, viewer.id, [attachment.mailMessageId]);
  if (!message) throw new RecordNotFoundError();
  const origin = { messageIdHeader: message.messageId, mailMessageId: message.id, part: attachment.part };
  const linked = await linkArchivedDocument(db, viewer, origin, input);
  if (linked) return linked;

  const content = await loadAttachmentContent(db, viewer.id, input.attachmentId);
  if (!content.ok) throw fetchFailure(content.kind);
  const filename = content.filename || 'attachment';
  const messageDate = message.sentAt ?? message.receivedAt;
  return storeDocument(
    db,
    viewer,
    {
      kind: 'file',
      origin,
      subject: input.subject || filename,
      documentDate: documentDateOf(input, messageDate, true),
      threadId: message.threadId,
      inReplyTo: message.inReplyTo,
      from: message.from,
      to: message.to,
      cc: message.cc,
      textBody: null,
      htmlBody: null,
      blockedRemoteImages: 0,
      filename,
      contentType: content.contentType,
      content: content.content,
      attachments: [],
      searchText: [message.subject, ...[...message.from, ...message.to, ...message.cc].flatMap((entry) => [entry.name, entry.address])].join(' '),
    },
    input,
    input,
  );
}

/**
 * Archives a message the user has just sent from the composer, from the exact bytes that went out
 * (the same bytes the Sent folder got), so no round trip to the server is needed.
 */
export async function archiveSentMessage(
  db: Database,
  viewer: Viewer,
  source: Buffer,
  fields: Omit<DocumentFieldsInput, 'subject' | 'date' | 'kind'>,
  links: DocumentLinksInput,
): Promise<ArchivedDocument> {
  const parsed = parseMessage(source, undefined, documentAttachmentUrl);
  return storeDocument(
    db,
    viewer,
    emailDocument(source, parsed, {
      kind: 'email_out',
      origin: { messageIdHeader: parsed.messageId, mailMessageId: null, part: null },
      subject: parsed.subject,
      documentDate: parsed.sentAt ?? new Date(),
      threadId: parsed.threadId,
      inReplyTo: parsed.inReplyTo,
    }),
    fields,
    links,
  );
}
