import 'server-only';
// The file itself, not the directory: Node resolves the external package's deep import only by its full path.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer';
import type { MailAddressEntry, MailDraft } from '@/db/schema';

export interface DraftAttachmentContent {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface BuiltMessage {
  /** What goes to the SMTP server: no Bcc header. */
  smtpSource: Buffer;
  /** The sender's own copy (Sent, Drafts): with the Bcc header, so they can see whom they copied. */
  copySource: Buffer;
  envelope: { from: string; to: string[] };
}

const bracketed = (id: string) => `<${id}>`;
const toNodemailer = ({ name, address }: MailAddressEntry): Mail.Address | string => (name ? { name, address } : address);

/** The message of a draft in MIME, built by nodemailer's MailComposer: HTML with the plain-text alternative, attachments, threading. */
export async function buildMessage(
  draft: Pick<MailDraft, 'messageId' | 'inReplyTo' | 'references' | 'toAddresses' | 'ccAddresses' | 'bccAddresses' | 'subject' | 'html' | 'text'>,
  attachments: readonly DraftAttachmentContent[],
  from: Mail.Address,
  date: Date,
): Promise<BuiltMessage> {
  const mail: Mail.Options = {
    from,
    to: draft.toAddresses.map(toNodemailer),
    cc: draft.ccAddresses.map(toNodemailer),
    bcc: draft.bccAddresses.map(toNodemailer),
    subject: draft.subject,
    html: draft.html,
    text: draft.text,
    messageId: bracketed(draft.messageId),
    date,
    ...(draft.inReplyTo ? { inReplyTo: bracketed(draft.inReplyTo) } : {}),
    ...(draft.references.length > 0 ? { references: draft.references.map(bracketed).join(' ') } : {}),
    attachments: attachments.map((file) => ({ filename: file.filename, contentType: file.contentType, content: Buffer.from(file.content) })),
  };
  const build = async (keepBcc: boolean) => {
    const node = new MailComposer(mail).compile();
    (node as unknown as { keepBcc: boolean }).keepBcc = keepBcc;
    return { source: await node.build(), envelope: node.getEnvelope() };
  };
  const forSmtp = await build(false);
  const copy = await build(true);
  return {
    smtpSource: forSmtp.source,
    copySource: copy.source,
    envelope: { from: forSmtp.envelope.from || from.address, to: forSmtp.envelope.to },
  };
}
