// Browser-safe: the archive dialog's rules, shared by the dialog and the server actions.
import { z } from 'zod';
import { listOf, optionalText } from '@/lib/crm/shared/client';

export const documentKinds = ['email_in', 'email_out', 'file'] as const;
export type DocumentKindValue = (typeof documentKinds)[number];
export const documentVisibilities = ['everyone', 'only_me'] as const;
export type DocumentVisibilityValue = (typeof documentVisibilities)[number];

const recordId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'invalidValue');
/** Bounds what one dialog may link, far above any real use. */
const MAX_LINKS_PER_KIND = 50;
const idList = listOf(recordId).pipe(z.array(recordId).max(MAX_LINKS_PER_KIND, 'invalidValue')).transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

/** The records a document is linked to: any number of each kind. */
export const documentLinksSchema = z.object({
  companyIds: idList,
  contactIds: idList,
  projectIds: idList,
  saleIds: idList,
});
export type DocumentLinksInput = z.output<typeof documentLinksSchema>;

const booleanField = z.preprocess((value) => value === true || value === 'true' || value === 'on', z.boolean());

/** The document dialog's fields besides the links. Subject and date apply when one item is archived. */
export const documentFieldsSchema = z.object({
  kind: z.enum(['email_in', 'email_out']).optional().catch(undefined),
  subject: optionalText(998),
  /** YYYY-MM-DD, or empty for the message's own date. */
  date: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))), 'crm.invalidDate'),
  ourReference: optionalText(200),
  yourReference: optionalText(200),
  visibility: z.enum(documentVisibilities).default('everyone'),
  completed: booleanField.default(true),
});
export type DocumentFieldsInput = z.output<typeof documentFieldsSchema>;

export const archiveMessagesSchema = documentLinksSchema.extend({
  ...documentFieldsSchema.shape,
  messageIds: listOf(recordId).pipe(z.array(recordId).min(1, 'invalidValue').max(200, 'documents.tooMany')),
});
export type ArchiveMessagesInput = z.output<typeof archiveMessagesSchema>;

export const archiveAttachmentSchema = documentLinksSchema.extend({
  ...documentFieldsSchema.shape,
  attachmentId: recordId,
});
export type ArchiveAttachmentInput = z.output<typeof archiveAttachmentSchema>;

/** Where a suggestion came from, so the dialog can say why it is offered. */
export type SuggestionReason =
  | { kind: 'contactAddress'; address: string }
  | { kind: 'contactCompany'; contactName: string }
  | { kind: 'domain'; domain: string }
  | { kind: 'openSale'; companyName: string }
  | { kind: 'runningProject'; recordName: string }
  | { kind: 'repliedTo'; subject: string }
  | { kind: 'thread'; subject: string };

export type LinkRecordKind = 'company' | 'contact' | 'project' | 'sale';

export interface LinkSuggestion {
  kind: LinkRecordKind;
  id: string;
  name: string;
  reason: SuggestionReason;
  /** Matched by an exact address, the message this replies to, or its conversation: safe to pre-select. */
  strong: boolean;
}

export interface ArchiveProposal {
  /** The direction of the (first) message. */
  kind: 'email_in' | 'email_out';
  subject: string;
  /** YYYY-MM-DD of the (first) message. */
  date: string;
  suggestions: LinkSuggestion[];
  /** A document that already holds this message (visible to the viewer), for "open / add links". */
  existingDocumentId: string | null;
}

export const emptyLinks = (): DocumentLinksInput => ({ companyIds: [], contactIds: [], projectIds: [], saleIds: [] });

export function linksFromSuggestions(suggestions: readonly LinkSuggestion[]): DocumentLinksInput {
  const links = emptyLinks();
  const key = { company: 'companyIds', contact: 'contactIds', project: 'projectIds', sale: 'saleIds' } as const;
  for (const suggestion of suggestions) {
    const list = links[key[suggestion.kind]];
    if (!list.includes(suggestion.id)) list.push(suggestion.id);
  }
  return links;
}

/** Where the app serves an archived message's attachment; the document's sanitised HTML points its `cid:` images here. */
export function documentAttachmentUrl(attachmentId: string): string {
  return `/api/documents/attachments/${attachmentId}`;
}

export function documentHref(documentId: string): string {
  return `/documents/${documentId}`;
}
