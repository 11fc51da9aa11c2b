// E-mail archived into the CRM: documents that keep the original message (or one attachment of it),
// linked to any number of companies, contacts, projects and sales, with ranked link suggestions.
export { archiveAttachment, archiveMessages, archiveSentMessage, emlFilename } from './archive';
export {
  archiveMessagesSchema,
  documentAttachmentUrl,
  documentHref,
  documentLinksSchema,
  linksFromSuggestions,
  type ArchiveProposal,
  type DocumentLinksInput,
  type LinkSuggestion,
} from './client';
export { linksOfDocuments } from './links';
export { DOCUMENT_UNDO_SECONDS, deleteDocument, purgeDeletedDocuments, restoreDocument, unlinkDocument, updateDocument } from './manage';
export { listNotArchived, NOT_ARCHIVED_DAYS, type NotArchivedMessage } from './not-archived';
export {
  archivedMarkers,
  documentsOfThread,
  getDocument,
  getDocumentAttachment,
  getDocumentFile,
  type ArchivedMarker,
  type DocumentLinkView,
  type DocumentView,
} from './queries';
export { counterpartAddresses, suggestLinks, suggestLinksForRecipients } from './suggestions';
export { visibleDocument, visibleDocumentAlias } from './visibility';
