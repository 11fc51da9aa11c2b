/**
 * Turns a stored, already sanitized mail body (see sanitize.ts) into the document shown in the
 * sandboxed mail iframe. Runs in the browser too, so it deliberately has no dependencies: it works
 * on the sanitizer's canonical output, in which "<" occurs only where a tag starts (text and
 * attribute values escape it) and every attribute is written as name="value".
 */

/** Where the sanitizer parks the URL of a remote image instead of letting it load. */
export const REMOTE_IMAGE_SOURCE_ATTRIBUTE = 'data-remote-src';

/** Path under which the app serves inline (cid:) attachment images; see attachmentImageSource(). */
export const MAIL_ATTACHMENT_IMAGE_PATH = '/api/mail/attachments/';

const IMAGE_TAG = /<img\b[^>]*>/g;
const CANONICAL_ATTRIBUTE = /\s([a-z][a-z0-9-]*)="([^"]*)"/g;

/**
 * Moves data-remote-src back to src, for readers who chose to see remote images. Only http(s) URLs
 * on images without a src qualify: the sanitizer drops every data-* attribute of the incoming mail,
 * so a data-remote-src in stored HTML is one it wrote itself; the URL check is a second line in case
 * stored HTML ever comes from somewhere else.
 */
export function revealRemoteImages(sanitizedHtml: string): string {
  return sanitizedHtml.replace(IMAGE_TAG, revealInImageTag);
}

function revealInImageTag(imageTag: string): string {
  const attributes = [...imageTag.matchAll(CANONICAL_ATTRIBUTE)];
  if (attributes.some((attribute) => attribute[1] === 'src')) return imageTag;
  const parked = attributes.find((attribute) => attribute[1] === REMOTE_IMAGE_SOURCE_ATTRIBUTE);
  if (parked === undefined || parked.index === undefined) return imageTag;
  const encodedUrl = parked[2] ?? '';
  if (!isWebUrl(decodeAttributeValue(encodedUrl))) return imageTag;
  // Sliced rather than String.replace: "$&" in a URL would be read as a replacement pattern.
  const before = imageTag.slice(0, parked.index);
  const after = imageTag.slice(parked.index + parked[0].length);
  return `${before} src="${encodedUrl}"${after}`;
}

function isWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const ATTRIBUTE_ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&quot;': '"',
  '&lt;': '<',
  '&gt;': '>',
  '&nbsp;': '\u00a0',
};

/** Undoes exactly the escaping the sanitizer applies to attribute values. */
function decodeAttributeValue(encoded: string): string {
  return encoded.replace(/&(?:amp|quot|lt|gt|nbsp);/g, (entity) => ATTRIBUTE_ENTITIES[entity] ?? entity);
}

/** A CSP host-source with an optional path; anything else could inject further directives. */
const CSP_SOURCE_WITH_PATH = /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[A-Za-z0-9._~/-]*)?$/;

/**
 * The CSP source that lets the frame load inline attachment images from our own server, e.g.
 * "https://crm.example.com/api/mail/attachments/". It has to name the origin: the srcdoc frame has an
 * opaque origin (no allow-same-origin), so 'self' cannot be relied on to mean the app.
 */
export function attachmentImageSource(appOrigin: string, path: string = MAIL_ATTACHMENT_IMAGE_PATH): string | null {
  const source = `${appOrigin.replace(/\/+$/, '')}${path}`;
  return CSP_SOURCE_WITH_PATH.test(source) ? source : null;
}

export interface MailFrameDocumentOptions {
  /** The reader's choice (preference or "show for this message"): lets http(s) images load. */
  showRemoteImages: boolean;
  /** From attachmentImageSource(); without it, attachment images served by the app are blocked. */
  attachmentImageSource?: string | null;
  /**
   * The page's CSP nonce: the frame then carries one script of ours, and only that one, which tells
   * the page the document's height (postMessage), so the frame is as tall as the mail. Without it
   * the frame runs no script at all.
   */
  sizeReporterNonce?: string | null;
}

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/**
 * Posts the document's height to the page whenever it changes (images loading, the frame's width
 * changing). It sends a number and nothing else; the page accepts it only from this frame.
 */
const SIZE_REPORTER =
  '(function(){var last=0;function report(){var height=Math.ceil(document.documentElement.getBoundingClientRect().height);' +
  "if(height!==last){last=height;parent.postMessage({crmMailFrameHeight:height},'*');}}" +
  "new ResizeObserver(report).observe(document.documentElement);addEventListener('load',report);report();})();";

/**
 * Readable at 375 px: media and tables may not push the frame wider than it is, long words and
 * URLs wrap, and quoted text is marked like mail clients do. Mail styles come later and win.
 */
const DEFAULT_STYLESHEET = [
  'html{background:#fff;color:#1f2937;-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  'body{margin:0;padding:12px 16px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere;word-break:break-word}',
  'img{max-width:100%;height:auto}',
  'table{max-width:100%}',
  'pre{white-space:pre-wrap}',
  'a{color:#1d4ed8}',
  'blockquote{margin:0 0 0 .5em;padding-left:.75em;border-left:2px solid #cbd5e1;color:#475569}',
  `img[${REMOTE_IMAGE_SOURCE_ATTRIBUTE}]{background:#f1f5f9;outline:1px dashed #cbd5e1}`,
].join('\n');

/**
 * The full srcdoc document for the mail iframe. The CSP meta comes first in <head> so it is in force
 * before anything could load: nothing but data: images (and, when chosen, web images and our
 * attachment images), inline styles, and no forms, scripts, frames, media, fonts from the web or
 * <base href>. The iframe's sandbox (no allow-same-origin: an opaque origin that cannot reach the app,
 * its cookies or its storage) is the other, independent, layer.
 */
export function mailFrameDocument(bodyHtml: string, options: MailFrameDocumentOptions): string {
  const imageSources = ['data:'];
  const attachmentSource = options.attachmentImageSource ?? null;
  if (attachmentSource !== null && CSP_SOURCE_WITH_PATH.test(attachmentSource)) imageSources.push(attachmentSource);
  if (options.showRemoteImages) imageSources.push('https:', 'http:');

  const nonce = options.sizeReporterNonce && NONCE.test(options.sizeReporterNonce) ? options.sizeReporterNonce : null;
  const contentSecurityPolicy = [
    "default-src 'none'",
    // Only our size reporter, by the page's nonce; the mail's own markup never carries it (nonce is
    // not an attribute the sanitizer keeps), so a script that slipped past the sanitizer still cannot run.
    ...(nonce ? [`script-src 'nonce-${nonce}'`] : []),
    `img-src ${imageSources.join(' ')}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const body = options.showRemoteImages ? revealRemoteImages(bodyHtml) : bodyHtml;

  return (
    '<!DOCTYPE html><html><head>' +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">` +
    '<meta charset="utf-8">' +
    '<meta name="referrer" content="no-referrer">' +
    '<meta name="color-scheme" content="light">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    // Links leave the frame in a new tab (the sandbox lets popups escape it) rather than inside it.
    '<base target="_blank">' +
    `<style>${DEFAULT_STYLESHEET}</style>` +
    `</head><body>${body}` +
    (nonce ? `<script nonce="${nonce}">${SIZE_REPORTER}</script>` : '') +
    '</body></html>'
  );
}
