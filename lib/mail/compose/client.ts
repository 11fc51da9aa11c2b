// Safe for the browser: the composer checks addresses as they are typed with the same rules the
// server validates with, and re-sanitizes HTML before it becomes editable.
export { archiveOnSendSchema, parseAddressList, type ArchiveOnSendRequest } from './compose-schema';
export { sanitizeForEditor } from './editor-html';
