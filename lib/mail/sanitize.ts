import { parse, html as parse5Html, type DefaultTreeAdapterTypes } from 'parse5';
import { REMOTE_IMAGE_SOURCE_ATTRIBUTE } from '@/lib/mail/render-html';

/**
 * Sanitizes the HTML body of an incoming message once, at ingest; what is stored is the output.
 *
 * Why parse5 and a hand-written allowlist rather than a ready-made sanitizer: parse5 implements the
 * WHATWG parsing algorithm, so the tree judged here is the tree the browser builds from the same
 * bytes (no parser-differential / mutation-XSS class of bypass), it is fast, and it runs on Node 20
 * without a DOM emulation. The policy is an allowlist throughout: unknown elements lose their tag but
 * keep their (sanitized) content, unknown attributes are dropped, and URLs and CSS are rebuilt from
 * parts that passed a check rather than patched.
 *
 * The output is only ever displayed inside a sandboxed iframe (no scripts, opaque origin) with a
 * restrictive CSP (see render-html.ts), so this is one of two independent layers.
 */

type Node = DefaultTreeAdapterTypes.Node;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;
type Element = DefaultTreeAdapterTypes.Element;

export interface SanitizeMailHtmlOptions {
  /**
   * Maps the Content-ID of an inline attachment (without angle brackets) to the URL the app serves
   * it from, or null when the message has no such attachment. Unresolved `cid:` images are dropped.
   */
  cidUrl?: (contentId: string) => string | null;
}

export interface SanitizedMailHtml {
  /** A well-formed HTML fragment (no html/head/body), safe to store and to put into the mail frame. */
  html: string;
  /** Remote images whose URL was parked in data-remote-src; "Show remote images (N)" offers them. */
  blockedRemoteImages: number;
  /** Anything remote was blocked or removed: images, backgrounds, CSS url(), media, stylesheets… */
  hasRemoteContent: boolean;
}

/** Inline data: images larger than this are dropped: they bloat every stored copy of the message. */
export const MAX_INLINE_IMAGE_URL_LENGTH = 512 * 1024;

/** Elements kept as they are (with filtered attributes). Anything else loses its tag or is dropped. */
const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'caption',
  'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em',
  'figcaption', 'figure', 'font', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'i',
  'img', 'ins', 'kbd', 'li', 'main', 'mark', 'nav', 'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's',
  'samp', 'section', 'small', 'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody',
  'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
]);

/** Elements without an end tag: emitting one would be malformed. */
const VOID_ELEMENTS: ReadonlySet<string> = new Set(['br', 'col', 'hr', 'img', 'wbr']);

/**
 * Elements removed together with everything inside them: active content, embedded documents, form
 * controls, media (which would load remotely), document metadata, and raw-text elements whose
 * "content" is markup the reader was never meant to see. Every other unknown element (form, noscript,
 * picture, custom tags, Outlook's o:p…) is unwrapped: its tag goes, its sanitized children stay.
 */
const DROPPED_WITH_CONTENT: ReadonlySet<string> = new Set([
  'script', 'template', 'iframe', 'frame', 'frameset', 'noframes', 'noembed', 'object', 'embed',
  'applet', 'param', 'audio', 'video', 'source', 'track', 'map', 'area', 'input', 'button', 'select',
  'option', 'optgroup', 'datalist', 'textarea', 'output', 'keygen', 'base', 'meta', 'link', 'title',
  'xmp', 'portal', 'fencedframe', 'canvas', 'dialog', 'head',
]);

/** Presentational attributes e-mail layouts rely on; none of them takes a URL or script. */
const GLOBAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'align', 'valign', 'bgcolor', 'width', 'height', 'dir', 'lang', 'title', 'class', 'id', 'hidden',
  'role', 'aria-label', 'aria-hidden',
]);

const ELEMENT_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  img: new Set(['alt', 'border', 'hspace', 'vspace']),
  table: new Set(['border', 'cellpadding', 'cellspacing', 'summary', 'frame', 'rules']),
  td: new Set(['colspan', 'rowspan', 'nowrap', 'scope', 'headers', 'abbr']),
  th: new Set(['colspan', 'rowspan', 'nowrap', 'scope', 'headers', 'abbr']),
  col: new Set(['span']),
  colgroup: new Set(['span']),
  ol: new Set(['start', 'type', 'reversed']),
  ul: new Set(['type']),
  li: new Set(['value', 'type']),
  font: new Set(['color', 'face', 'size']),
  hr: new Set(['noshade', 'size', 'color']),
  br: new Set(['clear']),
  time: new Set(['datetime']),
  del: new Set(['datetime']),
  ins: new Set(['datetime']),
  details: new Set(['open']),
};

/** Attributes whose value makes the browser fetch something; used to report remote content. */
const LOADING_ATTRIBUTES: ReadonlySet<string> = new Set([
  'src', 'srcset', 'background', 'poster', 'data', 'lowsrc', 'dynsrc', 'href', 'imagesrcset',
]);

/** Relative URLs are resolved against this to tell "relative to our app" from "//host/…". */
const RELATIVE_URL_SENTINEL = new URL('https://relative-url.invalid/');

const INLINE_IMAGE_DATA_URL = /^data:image\/(?:png|gif|jpeg|jpg|webp);base64,[A-Za-z0-9+/= ]*$/i;

export function sanitizeMailHtml(html: string, options: SanitizeMailHtmlOptions = {}): SanitizedMailHtml {
  const sanitizer = new MailHtmlSanitizer(options);
  // Scripting is off inside the sandboxed frame, so <noscript> content is parsed as markup there;
  // parse it the same way here so that what is checked is what will be shown.
  const document = parse(html, { scriptingEnabled: false });
  const htmlElement = document.childNodes.find(isElement);
  const head = htmlElement?.childNodes.find((node): node is Element => isElement(node) && node.tagName === 'head');
  const body = htmlElement?.childNodes.find((node): node is Element => isElement(node) && node.tagName === 'body');

  if (head) sanitizer.emitHeadStyleSheets(head);
  if (body) sanitizer.emitBody(body);
  return sanitizer.result();
}

class MailHtmlSanitizer {
  private readonly output: string[] = [];
  private blockedRemoteImages = 0;
  private hasRemoteContent = false;

  constructor(private readonly options: SanitizeMailHtmlOptions) {}

  result(): SanitizedMailHtml {
    return {
      // Leading whitespace is dropped by the parser anyway; trimming it keeps the output stable.
      html: this.output.join('').trimStart(),
      blockedRemoteImages: this.blockedRemoteImages,
      hasRemoteContent: this.hasRemoteContent,
    };
  }

  /** Only the <style> sheets of <head> carry over; title, meta, base and link are dropped. */
  emitHeadStyleSheets(head: Element): void {
    for (const child of head.childNodes) {
      if (!isElement(child)) continue;
      if (child.tagName === 'style') this.emitStyleSheet(child);
      else this.noteRemoteReferencesInSubtree(child);
    }
  }

  /** The body's own colours (bgcolor/text/style) survive on a wrapper div, since <body> itself does not. */
  emitBody(body: Element): void {
    const declarations: string[] = [];
    const bodyStyle = attributeValue(body, 'style');
    if (bodyStyle !== null) declarations.push(bodyStyle);
    const bodyBackground = attributeValue(body, 'bgcolor');
    if (bodyBackground !== null) declarations.push(`background-color: ${bodyBackground}`);
    const bodyTextColour = attributeValue(body, 'text');
    if (bodyTextColour !== null) declarations.push(`color: ${bodyTextColour}`);
    this.noteRemoteReferences(body);

    const wrapperStyle = declarations.length > 0 ? this.sanitizeInlineStyle(declarations.join(';')) : '';
    if (wrapperStyle === '') {
      this.emitChildren(body);
      return;
    }
    this.output.push(`<div style="${escapeAttribute(wrapperStyle)}">`);
    this.emitChildren(body);
    this.output.push('</div>');
  }

  /**
   * Walks with an explicit stack instead of recursion: mail from the wild nests deep enough
   * (thousands of unclosed <div>/<font>) to overflow the call stack.
   */
  emitChildren(parent: Element): void {
    const pending: Array<ChildNode | string> = [];
    pushChildrenInReverse(pending, parent);
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
      if (typeof item === 'string') {
        this.output.push(item);
        continue;
      }
      if (isTextNode(item)) {
        this.output.push(escapeText(item.value));
        continue;
      }
      // Comments (incl. Outlook's conditional comments) and doctypes are never carried over.
      if (!isElement(item)) continue;
      this.emitElement(item, pending);
    }
  }

  private emitElement(element: Element, pending: Array<ChildNode | string>): void {
    const tagName = element.tagName;
    // SVG and MathML: their parsing rules differ (CDATA, namespace switches) and they carry script
    // vectors of their own; mail has no need for them.
    if (element.namespaceURI !== parse5Html.NS.HTML || DROPPED_WITH_CONTENT.has(tagName)) {
      this.noteRemoteReferencesInSubtree(element);
      return;
    }
    if (tagName === 'style') {
      this.emitStyleSheet(element);
      return;
    }
    if (!ALLOWED_ELEMENTS.has(tagName)) {
      this.noteRemoteReferences(element);
      pushChildrenInReverse(pending, element);
      return;
    }

    const attributes = this.sanitizeAttributes(element);
    if (attributes === null) return;
    let openTag = `<${tagName}${attributes}>`;
    // The parser eats one newline right after <pre>; put one back so a leading blank line survives.
    const firstChild = element.childNodes[0];
    if (tagName === 'pre' && firstChild !== undefined && isTextNode(firstChild) && firstChild.value.startsWith('\n')) openTag += '\n';
    this.output.push(openTag);
    if (VOID_ELEMENTS.has(tagName)) return;
    pending.push(`</${tagName}>`);
    pushChildrenInReverse(pending, element);
  }

  /** Returns the serialized attribute list (with a leading space each), or null to drop the element. */
  private sanitizeAttributes(element: Element): string | null {
    const tagName = element.tagName;
    const perElement = ELEMENT_ATTRIBUTES[tagName];
    let serialized = '';
    let imageSourceFound = false;

    for (const attribute of element.attrs) {
      const name = attribute.name;
      if (name === 'style') {
        const style = this.sanitizeInlineStyle(attribute.value);
        if (style !== '') serialized += ` style="${escapeAttribute(style)}"`;
      } else if (name === 'href' && tagName === 'a') {
        const href = safeLinkUrl(attribute.value);
        if (href !== null) {
          serialized += ` href="${escapeAttribute(href)}" target="_blank" rel="noopener noreferrer nofollow"`;
        }
      } else if (name === 'src' && tagName === 'img') {
        const source = this.sanitizeImageSource(attribute.value);
        if (source !== '') {
          serialized += source;
          imageSourceFound = true;
        }
      } else if (GLOBAL_ATTRIBUTES.has(name) || perElement?.has(name)) {
        serialized += ` ${name}="${escapeAttribute(attribute.value)}"`;
      } else if (LOADING_ATTRIBUTES.has(name) && isRemoteUrl(attribute.value)) {
        // background=, srcset=, poster=, lowsrc=…: dropped, never parked for later reveal.
        this.hasRemoteContent = true;
      }
    }
    // An image left with nothing to show (unknown cid:, javascript:, relative path) only leaves a
    // broken-image box behind.
    if (tagName === 'img' && !imageSourceFound) return null;
    return serialized;
  }

  /** Returns ` src="…"` / ` data-remote-src="…"`, or '' when the image cannot be shown. */
  private sanitizeImageSource(rawSource: string): string {
    const source = classifyUrl(rawSource);
    switch (source.kind) {
      case 'inline-image':
        return ` src="${escapeAttribute(source.url)}"`;
      case 'web': {
        // Remote images are tracking beacons until the user says otherwise: park the URL.
        this.blockedRemoteImages += 1;
        this.hasRemoteContent = true;
        return ` ${REMOTE_IMAGE_SOURCE_ATTRIBUTE}="${escapeAttribute(source.url)}"`;
      }
      case 'content-id': {
        const resolved = this.options.cidUrl?.(source.contentId) ?? null;
        const attachmentUrl = resolved === null ? null : safeAttachmentUrl(resolved);
        return attachmentUrl === null ? '' : ` src="${escapeAttribute(attachmentUrl)}"`;
      }
      default:
        return '';
    }
  }

  private emitStyleSheet(styleElement: Element): void {
    const cssText = styleElement.childNodes
      .map((node) => (isTextNode(node) ? node.value : ''))
      .join('');
    const sheet = sanitizeStyleSheet(cssText);
    if (sheet.blockedRemote) this.hasRemoteContent = true;
    // The sheet is raw text inside <style>: it must not be able to close the element early.
    if (sheet.css === '' || sheet.css.includes('<')) return;
    this.output.push(`<style>${sheet.css}</style>`);
  }

  private sanitizeInlineStyle(cssText: string): string {
    const declarations = sanitizeDeclarations(cssText);
    if (declarations.blockedRemote) this.hasRemoteContent = true;
    return declarations.css;
  }

  private noteRemoteReferences(element: Element): void {
    if (this.hasRemoteContent) return;
    for (const attribute of element.attrs) {
      const loads = LOADING_ATTRIBUTES.has(attribute.name) && !(attribute.name === 'href' && element.tagName === 'a');
      if (loads && isRemoteUrl(attribute.value)) {
        this.hasRemoteContent = true;
        return;
      }
      if (attribute.name === 'style' && sanitizeDeclarations(attribute.value).blockedRemote) {
        this.hasRemoteContent = true;
        return;
      }
    }
  }

  private noteRemoteReferencesInSubtree(root: Element): void {
    const pending: Node[] = [root];
    for (let node = pending.pop(); node !== undefined && !this.hasRemoteContent; node = pending.pop()) {
      if (!isElement(node)) continue;
      this.noteRemoteReferences(node);
      pending.push(...node.childNodes);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

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
 * they are. (The HTML parser has already decoded character references in the attribute value.)
 */
function classifyUrl(rawUrl: string): ClassifiedUrl {
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

function safeLinkUrl(rawHref: string): string | null {
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
function safeAttachmentUrl(rawUrl: string): string | null {
  const classified = classifyUrl(rawUrl);
  if (classified.kind === 'inline-image') return classified.url;
  if (classified.kind === 'relative' && /^\/(?![/\\])/.test(rawUrl)) {
    return classified.url.pathname + classified.url.search;
  }
  return null;
}

function isRemoteUrl(rawValue: string): boolean {
  // srcset-like lists: one remote candidate is enough.
  return rawValue.split(',').some((candidate) => {
    const firstToken = candidate.trim().split(/\s+/)[0] ?? '';
    return firstToken !== '' && classifyUrl(firstToken).kind === 'web';
  });
}

// ---------------------------------------------------------------------------------------------
// CSS
// ---------------------------------------------------------------------------------------------

const ALLOWED_CSS_PROPERTIES: ReadonlySet<string> = new Set([
  'color', 'background', 'background-color', 'font', 'font-family', 'font-size', 'font-style',
  'font-weight', 'font-variant', 'line-height', 'letter-spacing', 'word-spacing', 'text-align',
  'text-decoration', 'text-decoration-line', 'text-decoration-color', 'text-decoration-style',
  'text-indent', 'text-transform', 'text-shadow', 'text-overflow', 'white-space', 'word-break',
  'word-wrap', 'overflow-wrap', 'hyphens', 'vertical-align', 'direction', 'display', 'float', 'clear',
  'overflow', 'overflow-x', 'overflow-y', 'visibility', 'opacity', 'width', 'min-width', 'max-width',
  'height', 'min-height', 'max-height', 'box-sizing', 'box-shadow', 'list-style', 'list-style-type',
  'list-style-position', 'table-layout', 'border-collapse', 'border-spacing', 'caption-side',
  'empty-cells', 'position', 'top', 'right', 'bottom', 'left', 'outline', 'outline-color',
  'outline-style', 'outline-width',
]);

const ALLOWED_CSS_PROPERTY_PATTERNS: readonly RegExp[] = [
  /^(?:margin|padding)(?:-(?:top|right|bottom|left))?$/,
  /^border(?:-(?:top|right|bottom|left))?(?:-(?:width|style|color))?$/,
  /^border(?:-(?:top|bottom)-(?:left|right))?-radius$/,
];

/**
 * CSS functions that cannot fetch anything. url(), image-set(), cross-fade(), element(), var() (which
 * could smuggle a url through a custom property) and IE's expression() are therefore all refused.
 */
const ALLOWED_CSS_FUNCTIONS: ReadonlySet<string> = new Set([
  'rgb', 'rgba', 'hsl', 'hsla', 'calc', 'min', 'max', 'clamp', 'linear-gradient', 'radial-gradient',
  'repeating-linear-gradient', 'repeating-radial-gradient',
]);

/** No backslash (CSS escapes), no colon, braces, semicolons, angle brackets, at-signs or ampersands. */
const SAFE_CSS_VALUE = /^[\p{L}\p{N}\s#%.,+\-*/()'"_]*$/u;
/** The same for ASCII only: most values pass this cheaper test, and only the rest need SAFE_CSS_VALUE. */
const SAFE_ASCII_CSS_VALUE = /^[A-Za-z0-9\s#%.,+\-*/()'"_]*$/;
const CSS_NAME_CHARACTER = /[\p{L}\p{N}_-]/u;
const SAFE_CSS_SELECTOR = /^[\p{L}\p{N}\s_\-.#,:>+~*()[\]="'|^$]+$/u;
const SAFE_CSS_CONDITION = /^[\p{L}\p{N}\s_\-.,:()]*$/u;
const REMOTE_REFERENCE_IN_CSS = /(?:https?:)?\/\/|@import/i;

interface SanitizedCss {
  css: string;
  /** A declaration or rule that would have loaded something remote was removed. */
  blockedRemote: boolean;
}

/** Comments become a space, as in CSS tokenization (so `u/**\/rl(` does not become `url(`). */
function normalizeCss(cssText: string): string {
  if (!cssText.includes('/*') && !/[\r\n\f\t]/.test(cssText)) return cssText;
  // indexOf instead of a lazy regex, which turns quadratic on many unterminated "/*".
  let withoutComments = '';
  let position = 0;
  for (let commentStart = cssText.indexOf('/*'); commentStart !== -1; commentStart = cssText.indexOf('/*', position)) {
    withoutComments += cssText.slice(position, commentStart) + ' ';
    const commentEnd = cssText.indexOf('*/', commentStart + 2);
    // An unterminated comment swallows the rest of the sheet or attribute, as in CSS.
    position = commentEnd === -1 ? cssText.length : commentEnd + 2;
  }
  withoutComments += cssText.slice(position);
  // Newlines inside a CSS string make it a "bad string"; as spaces the meaning is plain.
  return withoutComments.replace(/[\r\n\f\t]+/g, ' ');
}

/**
 * Splits at top-level occurrences of `separator`, honouring quotes and parentheses. Backslash
 * escapes are not interpreted: any part containing one is refused later, so a misread escape can
 * only lose a declaration, never let one through.
 */
function splitTopLevel(text: string, separator: string): string[] {
  if (!/["'(]/.test(text)) return text.split(separator);
  const parts: string[] = [];
  let quote: string | null = null;
  let parenthesesDepth = 0;
  let partStart = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quote !== null) {
      if (character === quote) quote = null;
    } else if (character === '"' || character === "'") {
      quote = character;
    } else if (character === '(') {
      parenthesesDepth += 1;
    } else if (character === ')') {
      parenthesesDepth = Math.max(0, parenthesesDepth - 1);
    } else if (character === separator && parenthesesDepth === 0) {
      parts.push(text.slice(partStart, index));
      partStart = index + 1;
    }
  }
  parts.push(text.slice(partStart));
  return parts;
}

function quotesAreBalanced(text: string): boolean {
  if (!text.includes('"') && !text.includes("'")) return true;
  let quote: string | null = null;
  for (const character of text) {
    if (quote !== null) {
      if (character === quote) quote = null;
    } else if (character === '"' || character === "'") {
      quote = character;
    }
  }
  return quote === null;
}

function isAllowedCssProperty(property: string): boolean {
  return ALLOWED_CSS_PROPERTIES.has(property) || ALLOWED_CSS_PROPERTY_PATTERNS.some((pattern) => pattern.test(property));
}

/**
 * Reads the name before each "(" by walking backwards — a regex such as /([a-z-]+)\s*\(/ would
 * backtrack quadratically on long runs of letters, and mail is attacker-controlled input.
 */
function usesOnlyAllowedFunctions(value: string): boolean {
  for (let parenthesis = value.indexOf('('); parenthesis !== -1; parenthesis = value.indexOf('(', parenthesis + 1)) {
    let nameEnd = parenthesis;
    while (nameEnd > 0 && /\s/.test(value[nameEnd - 1] ?? '')) nameEnd -= 1;
    let nameStart = nameEnd;
    while (nameStart > 0 && CSS_NAME_CHARACTER.test(value[nameStart - 1] ?? '')) nameStart -= 1;
    // A bare "(" (nested in calc(), or a plain group) names no function.
    if (nameStart === nameEnd) continue;
    if (!ALLOWED_CSS_FUNCTIONS.has(value.slice(nameStart, nameEnd).toLowerCase())) return false;
  }
  return true;
}

/** Returns "property: value[ !important]" or null when the declaration is refused. */
function sanitizeDeclaration(declaration: string): string | null {
  const colon = declaration.indexOf(':');
  if (colon === -1) return null;
  const property = declaration.slice(0, colon).trim().toLowerCase();
  let value = declaration.slice(colon + 1).trim();
  const important = /!\s*important$/i.test(value);
  if (important) value = value.replace(/!\s*important$/i, '').trim();

  if (value === '' || !isAllowedCssProperty(property)) return null;
  const safeCharacters = SAFE_ASCII_CSS_VALUE.test(value) || SAFE_CSS_VALUE.test(value);
  if (!safeCharacters || !quotesAreBalanced(value) || !usesOnlyAllowedFunctions(value)) return null;
  // Positioning outside the normal flow could lay a fake UI over the message (or over nothing).
  if (property === 'position' && !/^(?:static|relative)$/i.test(value)) return null;
  return `${property}: ${value}${important ? ' !important' : ''}`;
}

function sanitizeDeclarations(cssText: string): SanitizedCss {
  const kept: string[] = [];
  let blockedRemote = false;
  for (const declaration of splitTopLevel(normalizeCss(cssText), ';')) {
    if (declaration.trim() === '') continue;
    const sanitized = sanitizeDeclaration(declaration);
    if (sanitized !== null) kept.push(sanitized);
    else if (REMOTE_REFERENCE_IN_CSS.test(declaration)) blockedRemote = true;
  }
  return { css: kept.join('; '), blockedRemote };
}

/** Deepest nesting of @media/@supports kept; deeper rules are dropped. */
const MAX_CONDITIONAL_RULE_DEPTH = 3;

/**
 * A <style> sheet is kept — responsive newsletters need their @media rules to be readable on a phone —
 * but rebuilt from rules that pass the same declaration filter as inline styles. Every at-rule other
 * than @media/@supports is dropped (@import, @font-face, @namespace, @keyframes, @page …), so nothing
 * in a sheet can load anything. Invalid structure (unbalanced braces) ends the sheet there.
 */
function sanitizeStyleSheet(cssText: string): SanitizedCss {
  // CDO/CDC ("<!--", "-->") are ignored by CSS at the top level; old mail wraps sheets in them.
  const normalized = normalizeCss(cssText).replace(/<!--|-->/g, ' ');
  if (normalized.includes('<') || normalized.includes('\\')) {
    return { css: '', blockedRemote: REMOTE_REFERENCE_IN_CSS.test(normalized) };
  }
  return sanitizeRuleList(normalized, 0);
}

function sanitizeRuleList(cssText: string, depth: number): SanitizedCss {
  const kept: string[] = [];
  let blockedRemote = false;
  let position = 0;
  while (position < cssText.length) {
    const statement = nextStatement(cssText, position);
    if (statement === null) break;
    position = statement.end;
    const prelude = statement.prelude.trim();
    if (statement.block === null) {
      // Block-less statements are at-rules such as @import and @charset, or garbage.
      if (REMOTE_REFERENCE_IN_CSS.test(prelude)) blockedRemote = true;
      continue;
    }
    if (prelude.startsWith('@')) {
      const conditional = /^@(media|supports)\b(.*)$/i.exec(prelude);
      const condition = conditional?.[2]?.trim() ?? '';
      if (conditional && depth < MAX_CONDITIONAL_RULE_DEPTH && SAFE_CSS_CONDITION.test(condition) && usesOnlyAllowedCssConditionFunctions(condition)) {
        const inner = sanitizeRuleList(statement.block, depth + 1);
        blockedRemote ||= inner.blockedRemote;
        if (inner.css !== '') kept.push(`@${conditional[1]?.toLowerCase()} ${condition}{${inner.css}}`);
      } else if (REMOTE_REFERENCE_IN_CSS.test(statement.block) || REMOTE_REFERENCE_IN_CSS.test(prelude)) {
        blockedRemote = true;
      }
      continue;
    }
    if (prelude === '' || !SAFE_CSS_SELECTOR.test(prelude) || !quotesAreBalanced(prelude)) continue;
    const declarations = sanitizeDeclarations(statement.block);
    blockedRemote ||= declarations.blockedRemote;
    if (declarations.css !== '') kept.push(`${prelude}{${declarations.css}}`);
  }
  return { css: kept.join('\n'), blockedRemote };
}

/** @media/@supports conditions need parentheses for features, never a function. */
function usesOnlyAllowedCssConditionFunctions(condition: string): boolean {
  return !/[\p{L}\p{N}_-]\(/u.test(condition);
}

interface CssStatement {
  prelude: string;
  /** Text between the braces, or null for a statement ended by ';'. */
  block: string | null;
  end: number;
}

/** Reads one statement (`prelude { block }` or `prelude;`), honouring quotes; null when none is complete. */
function nextStatement(cssText: string, start: number): CssStatement | null {
  let quote: string | null = null;
  let braceDepth = 0;
  let blockStart = -1;
  for (let index = start; index < cssText.length; index++) {
    const character = cssText[index];
    if (quote !== null) {
      if (character === quote) quote = null;
      continue;
    }
    if (character === '"' || character === "'") {
      quote = character;
    } else if (character === ';' && braceDepth === 0) {
      return { prelude: cssText.slice(start, index), block: null, end: index + 1 };
    } else if (character === '{') {
      if (braceDepth === 0) blockStart = index;
      braceDepth += 1;
    } else if (character === '}') {
      if (braceDepth === 0) return { prelude: '', block: null, end: index + 1 };
      braceDepth -= 1;
      if (braceDepth === 0) {
        return { prelude: cssText.slice(start, blockStart), block: cssText.slice(blockStart + 1, index), end: index + 1 };
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Tree and text helpers
// ---------------------------------------------------------------------------------------------

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function isTextNode(node: Node): node is DefaultTreeAdapterTypes.TextNode {
  return node.nodeName === '#text';
}

function attributeValue(element: Element, name: string): string | null {
  return element.attrs.find((attribute) => attribute.name === name)?.value ?? null;
}

function pushChildrenInReverse(pending: Array<ChildNode | string>, parent: Element): void {
  for (let index = parent.childNodes.length - 1; index >= 0; index--) {
    const child = parent.childNodes[index];
    if (child !== undefined) pending.push(child);
  }
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\u00a0': '&nbsp;',
};

/**
 * Text and attribute values escape < and > as well (HTML does not require it in attributes): the
 * output then contains "<" only where a tag starts, which revealRemoteImages relies on.
 */
function escapeText(text: string): string {
  if (!/[&<>\u00a0]/.test(text)) return text;
  return text.replace(/[&<>\u00a0]/g, (character) => TEXT_ESCAPES[character] ?? character);
}

function escapeAttribute(value: string): string {
  if (!/[&<>"\u00a0]/.test(value)) return value;
  return value.replace(/[&<>"\u00a0]/g, (character) => TEXT_ESCAPES[character] ?? character);
}
