import DOMPurify from 'dompurify';

/**
 * HTML about to enter the composer's editable area (a quoted original, a reopened draft) is
 * sanitized again in the browser, on top of the server's sanitizing at import and at every save:
 * the editor is on the app's own origin, where a script would act as the user. Besides DOMPurify's
 * defaults (no script, no event handlers, no javascript: URLs), nothing that loads from elsewhere
 * survives: remote images, srcset, CSS url(), stylesheets, frames, forms and media.
 */
const FORBID_TAGS = ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'frameset', 'object', 'embed', 'video', 'audio', 'source', 'track', 'picture', 'svg', 'math', 'template', 'noscript', 'portal'];
const FORBID_ATTR = ['srcset', 'background', 'poster', 'formaction', 'action', 'ping', 'lowsrc', 'dynsrc', 'xlink:href', 'data-remote-src'];

let hooked = false;

function addHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
    const name = data.attrName.toLowerCase();
    const value = data.attrValue.trim();
    if (name === 'src' && !/^data:image\/(png|gif|jpe?g|webp);/i.test(value)) data.keepAttr = false;
    if (name === 'style' && /url\s*\(|expression\s*\(|@import|image-set|-moz-binding/i.test(value)) data.keepAttr = false;
    if (name === 'href' && !/^(https?:|mailto:|#)/i.test(value)) data.keepAttr = false;
  });
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('rel', 'noopener noreferrer');
      node.setAttribute('target', '_blank');
    }
  });
}

export function sanitizeForEditor(html: string): string {
  addHooks();
  return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR, ALLOW_DATA_ATTR: false, ALLOW_UNKNOWN_PROTOCOLS: false });
}
