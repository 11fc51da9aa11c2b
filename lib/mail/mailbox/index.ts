// The imported mailbox as the Inbox reads and changes it: folders, message lists (keyset), messages,
// conversations, attachments fetched on demand, and the user's changes queued for the server.
export {
  formatListCursor,
  listConversations,
  listMessages,
  MESSAGES_PER_PAGE,
  neighboursInList,
  parseListCursor,
  type ConversationListEntry,
  type ListCursor,
  type ListScope,
  type MessageListEntry,
  type MessagePage,
  type PageDirection,
} from './message-list';
export { getAttachmentForUser, getConversation, getImportState, getMessage, getMessagesForArchive, listAllFolders, listFolders, setFoldersSelected, type FolderListEntry, type MessageForArchive } from './queries';
export { loadAttachmentContent, type AttachmentFailureKind } from './attachment-content';
export { fetchOriginalSource } from './original-source';
export { changeMessages, dismissDroppedChanges, listDroppedChanges, type ChangeResult, type MessageChange } from './changes';
export { setSenderImagesTrusted, trustsSenderImages } from './senders';
export { getMailboxVersion, mailboxEvents, type MailboxVersion } from './live';
