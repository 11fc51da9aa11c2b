// The imported mailbox as the Inbox reads it: folders, message lists, messages, attachments.
export {
  getImportState,
  getMessage,
  listAllFolders,
  listImportedFolders,
  listMessages,
  MESSAGES_PER_PAGE,
  setFoldersSelected,
  type MessageListEntry,
} from './queries';
export { loadAttachmentContent, type AttachmentFailureKind } from './attachment-content';
export { changeMessages, dismissDroppedChanges, listDroppedChanges, type ChangeResult, type MessageChange } from './changes';
