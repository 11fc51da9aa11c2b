// Reading a message source: our MIME parser, and the columns the app stores of a message.
export { parseMessage, attachmentUrl, type ParsedAttachment, type ParsedMessage } from './parse';
export { parseMime } from './mime';
export { normalizeMessageId, parseMessageIdList, threadIdFor } from './message-id';
