/** Inline data: images larger than this are dropped: they bloat every stored copy of the message. */
export const MAX_INLINE_IMAGE_URL_LENGTH = 512 * 1024;

/** Relative URLs are resolved against this to tell "relative to our app" from "//host/…". */
const RELATIVE_URL_SENTINEL = new URL('https://relative-url.invalid/');

const INLINE_IMAGE_DATA_URL = /^data:image\/(?:png|gif|jpeg|jpg|webp);base64,[A-Za-z0-9+/= ]*$/i;

type ClassifiedUrl =
  | { kind: 'inline-image'; url: string }
  | { kind: 'web'; url: string }
  | { kind: 'content-id'; contentId: string }
  | { kind: 'relative'; url: URL }
  | { kind: 'other'; url: URL }
  | { kind: 'invalid' };

/**
 * Classifies a URL with the WHATWG URL parser — the same one the browser uses — so entity-,
 * whitespace- and case-obfuscated schemes (`&#x6A;ava&#9;script:`, ` JaVaScRiPt:`) end up as what
 * they are. (The tokenizer has already decoded character references in the attribute value.)
 */
export function classifyUrl(rawUrl: string): ClassifiedUrl {
  if (rawUrl.length > MAX_INLINE_IMAGE_URL_LENGTH) return { kind: 'invalid' };
  let url: URL;
  try {
    url = new URL(rawUrl, RELATIVE_URL_SENTINEL);
  } catch {
    return { kind: 'invalid' };
  }
  switch (url.protocol) {
    case 'data:':
      return INLINE_IMAGE_DATA_URL.test(url.href) ? { kind: 'inline-image', url: url.href } : { kind: 'other', url };
    case 'cid:':
      return { kind: 'content-id', contentId: contentIdFromUrl(url) };
    case 'http:':
    case 'https:':
      // "/x" would resolve against our own origin inside the srcdoc frame; "//host/x" is remote.
      return url.host === RELATIVE_URL_SENTINEL.host ? { kind: 'relative', url } : { kind: 'web', url: url.href };
    default:
      return { kind: 'other', url };
  }
}

/** cid: URLs carry the Content-ID percent-encoded and without angle brackets (RFC 2392). */
function contentIdFromUrl(url: URL): string {
  const encoded = url.href.slice('cid:'.length);
  let contentId = encoded;
  try {
    contentId = decodeURIComponent(encoded);
  } catch {
    // Not valid percent-encoding: the raw text is the best guess of the Content-ID.
  }
  return contentId.replace(/^<|>$/g, '').trim();
}

export function safeLinkUrl(rawHref: string): string | null {
  const classified = classifyUrl(rawHref);
  if (classified.kind === 'web') return classified.url;
  if (classified.kind === 'other' && (classified.url.protocol === 'mailto:' || classified.url.protocol === 'tel:')) {
    return classified.url.href;
  }
  // Relative and fragment links would point into our app (or nowhere) from the srcdoc frame.
  return null;
}

/**
 * What cidUrl returns is ours, but it still has to be an image URL the frame may load: a data:
 * image, or a root-relative path (which resolves against our origin in the srcdoc frame).
 */
export function safeAttachmentUrl(rawUrl: string): string | null {
  const classified = classifyUrl(rawUrl);
  if (classified.kind === 'inline-image') return classified.url;
  if (classified.kind === 'relative' && /^\/(?![/\\])/.test(rawUrl)) {
    return classified.url.pathname + classified.url.search;
  }
  return null;
}

export function isRemoteUrl(rawValue: string): boolean {
  // srcset-like lists: one remote candidate is enough.
  return rawValue.split(',').some((candidate) => {
    const firstToken = candidate.trim().split(/\s+/)[0] ?? '';
    return firstToken !== '' && classifyUrl(firstToken).kind === 'web';
  });
}
