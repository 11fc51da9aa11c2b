// Mail HTML: sanitized once at import (so stored HTML is always safe), rendered in a sandboxed frame,
// and reduced to text for snippets and search.
export { sanitizeMailHtml, type SanitizedMailHtml, type SanitizeMailHtmlOptions } from './sanitize';
export { attachmentImageSource, mailFrameDocument, revealRemoteImages } from './render';
export { htmlToPlainText } from './text';
export { SANITIZER_VERSION } from './version';
