// Writing mail: drafts (saved as typed, copied to the Drafts folder), replies and forwards, the
// outbox with undo send, and sending through the user's own SMTP server.
export { composeSchema, parseAddressList, type ComposedMessage } from './compose-schema';
export { findSentFolder, sendMail, senderOf, type SendMailResult } from './send';
export { buildReply, type OriginalMessage, type QuoteLabels, type ReplyKind } from './reply';
export { baseSubject, forwardSubject, replySubject } from './subject';
export {
  addDraftAttachment,
  appendDraftAttachmentChunk,
  createDraft,
  createReplyDraft,
  discardDraft,
  getOwnDraft,
  listDrafts,
  maxAttachmentBytes,
  saveDraftContent,
  syncDraftCopy,
  type DraftContent,
  type OwnDraft,
} from './drafts';
export { claimDueDrafts, getUndoSendSeconds, resolveUnknown, runDueSends, scheduleSend, setUndoSendSeconds, undoSend, UNDO_SEND_CHOICES, type OutboxRun } from './outbox';
export { suggestCorrespondents } from './correspondents';
export { readBodyUpTo, UPLOAD_CHUNK_BYTES } from './upload';
export { startOutboxTimer } from './timer';
