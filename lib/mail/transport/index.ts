// The wire to the user's mail servers: how connections are made (options, egress check), what IMAP
// folders are for, the IMAP session every mailbox operation goes through, and what a failure means.
export {
  imapClientOptions,
  smtpTransportOptions,
  speaksImplicitTls,
  type ConnectionTimeouts,
  type ServerSettings,
  type SmtpTlsPolicy,
  type TlsMode,
} from './client-options';
export {
  classifyAddress,
  MAIL_HOST_REFUSED_MESSAGE,
  MailHostNotFoundError,
  MailHostRefusedError,
  resolveMailHost,
  type AddressClass,
  type AddressLookup,
  type ResolvedAddress,
  type ResolveMailHostOptions,
} from './egress';
export { classifyMailError, isGreetingTimeout, type ClassifyContext, type MailConnectError, type MailErrorCode, type MailProtocol } from './errors';
export { classifyFolders, isSelectable, type ClassifiedFolder, type ListedFolder } from './folder-kinds';
export {
  ImapSession,
  type FetchedMessage,
  type FolderChanges,
  type FolderStatus,
  type ImapSessionOptions,
  type ListedFolderWithStatus,
  type MoveOutcome,
  type OpenedFolder,
  type StaleTarget,
  type SyncExtensions,
  type WriteOutcome,
} from './imap-session';
export { watchInbox, type InboxChange, type InboxWatch } from './inbox-watch';
