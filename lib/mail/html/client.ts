// What the browser needs to show stored (already sanitized) mail HTML; nothing here may pull in the
// sanitizer or other server code.
export { attachmentImageSource, mailFrameDocument } from './render';
