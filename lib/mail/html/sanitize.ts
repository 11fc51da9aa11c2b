import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { REMOTE_IMAGE_SOURCE_ATTRIBUTE } from './render';
import { sanitizeDeclarations, sanitizeStyleSheet } from './sanitize-css';

/**
 * Sanitizes the HTML body of an incoming message once, at ingest; what is stored is the output.
 *
 * The policy is an allowlist throughout: unknown elements lose their tag but keep their (sanitized)
 * content, unknown attributes are dropped, and URLs and CSS are rebuilt from parts that passed a
 * check rather than patched. It is applied in one streaming pass over htmlparser2's tokenizer,
 * without building a tree: tree construction was most of the importer's CPU time.
 *
 * Why a tokenizer that is not the browser's parser is safe here: nothing of the input's markup is
 * ever copied. The output is canonical markup written entirely by this file —
 *  - only allowlisted elements with allowlisted attributes, every value double-quoted and escaped;
 *  - text always escaped (& < > and U+00A0; " as well in attribute values), so "<" occurs only where
 *    a tag starts;
 *  - every element written is closed here, in proper nesting (an open-element stack; a stray end
 *    tag closes up to its match when that is open and is ignored otherwise; what is still open is
 *    closed at the end); void elements never get an end tag;
 *  - no comments, doctypes, processing instructions or CDATA sections, and nothing from SVG or
 *    MathML, whose subtrees are dropped whole;
 *  - style sheets never contain "<", hence never "</style".
 * Each attribute value is checked in exactly the form it is written out in, and the escaping
 * round-trips, so the browser sees the value that was checked. Wherever the tokenizer reads the
 * input differently from a browser (raw-text elements, odd comments, script-data escapes, foreign
 * content), the difference can therefore only change which allowlisted, escaped content comes out —
 * never produce markup that the browser interprets as script, an event handler or a loading URL.
 *
 * Elements dropped with their content skip everything up to their matching end tag (nested ones of
 * the same name counted); where a browser would end such an element earlier, more is dropped, not
 * less. <noscript> is unwrapped like other unknown elements: the mail frame has scripting off, so a
 * browser renders its content as markup too, and no <noscript> tag ever reaches the output. To keep
 * the output's structure what a browser builds from the input, the pass also does the few things of
 * HTML tree construction that would otherwise show: <p> closed by blocks, end tags limited by table
 * scope, </br> and a stray </p>.
 *
 * The pass is linear: the open-element stack keeps per-name positions, so matching an end tag or
 * finding a <p> in scope never walks the stack, and no regex with backtracking runs on attacker
 * input. The output is only ever displayed inside a sandboxed iframe (no scripts, opaque origin) with
 * a restrictive CSP (see render-html.ts); this layer does not rely on that one.
 */

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

/** Elements that never have content or an end tag, whether kept or dropped. */
const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  'area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen',
  'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

/**
 * Elements removed together with everything inside them: active content, embedded documents, form
 * controls, media (which would load remotely), document metadata, and raw-text elements whose
 * "content" is markup the reader was never meant to see. Every other unknown element (form, noscript,
 * picture, custom tags, Outlook's o:p…) is unwrapped: its tag goes, its sanitized content stays.
 * (<plaintext> is unwrapped too, and the rest of the input after it is text, as in a browser.)
 */
const DROPPED_WITH_CONTENT: ReadonlySet<string> = new Set([
  'script', 'template', 'iframe', 'frame', 'frameset', 'noframes', 'noembed', 'object', 'embed',
  'applet', 'param', 'audio', 'video', 'source', 'track', 'map', 'area', 'input', 'button', 'select',
  'option', 'optgroup', 'datalist', 'textarea', 'output', 'keygen', 'base', 'meta', 'link', 'title',
  'xmp', 'portal', 'fencedframe', 'canvas', 'dialog',
  // SVG and MathML: their parsing rules differ (CDATA, namespace switches) and they carry script
  // vectors of their own; mail has no need for them.
  'svg', 'math',
]);

/** What may sit in a document's head; anything else starts the body, as in the HTML parser. */
const HEAD_CONTENT: ReadonlySet<string> = new Set([
  'html', 'head', 'base', 'basefont', 'bgsound', 'link', 'meta', 'title', 'noscript', 'noframes',
  'style', 'script', 'template',
]);

/**
 * Start tags before which the HTML parser closes an open <p> (in button scope). Doing the same keeps
 * the output's nesting what the browser builds from it, so none of the </p> written here turns into
 * a stray one (which a browser would render as an extra, empty paragraph).
 */
const CLOSES_PARAGRAPH: ReadonlySet<string> = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hgroup', 'hr', 'li', 'dd', 'dt', 'listing', 'main', 'menu', 'nav', 'ol', 'p', 'plaintext', 'pre',
  'search', 'section', 'summary', 'table', 'ul', 'xmp',
]);

/** Kept elements that end the reach of ordinary end tags, as in the parser's "has in scope". */
const SCOPE_BOUNDARIES: ReadonlySet<string> = new Set(['caption', 'table', 'td', 'th']);

/** End tags of table parts only look as far as the nearest table ("has in table scope"). */
const TABLE_PARTS: ReadonlySet<string> = new Set(['caption', 'colgroup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr']);

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

/**
 * Every attribute this sanitizer ever looks at (<body>'s text= included); the values of all others
 * are not even collected. Being a small fixed set, it also bounds the work of spotting duplicates.
 */
const CONSIDERED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'style', 'text', ...GLOBAL_ATTRIBUTES, ...LOADING_ATTRIBUTES,
  ...Object.values(ELEMENT_ATTRIBUTES).flatMap((names) => [...names]),
]);

/** Relative URLs are resolved against this to tell "relative to our app" from "//host/…". */
const RELATIVE_URL_SENTINEL = new URL('https://relative-url.invalid/');

const INLINE_IMAGE_DATA_URL = /^data:image\/(?:png|gif|jpeg|jpg|webp);base64,[A-Za-z0-9+/= ]*$/i;

/** How a start tag is handled. */
type ElementAction = 'keep' | 'drop' | 'unwrap' | 'style-sheet' | 'body' | 'plaintext';

/** Everything the walk needs to know about an element name, gathered once from the sets above. */
interface ElementRule {
  readonly tagName: string;
  /** Index into the per-run table of open kept elements; -1 for elements never kept. */
  readonly id: number;
  readonly action: ElementAction;
  readonly isVoid: boolean;
  readonly startsBody: boolean;
  readonly closesParagraph: boolean;
  readonly isScopeBoundary: boolean;
  readonly isTablePart: boolean;
  readonly attributes: ReadonlySet<string> | undefined;
  readonly endTag: string;
}

function elementAction(tagName: string): ElementAction {
  if (DROPPED_WITH_CONTENT.has(tagName)) return 'drop';
  if (ALLOWED_ELEMENTS.has(tagName)) return 'keep';
  if (tagName === 'style') return 'style-sheet';
  if (tagName === 'body') return 'body';
  if (tagName === 'plaintext') return 'plaintext';
  return 'unwrap';
}

function elementRule(tagName: string, id: number): ElementRule {
  return {
    tagName,
    id,
    action: elementAction(tagName),
    isVoid: VOID_ELEMENTS.has(tagName),
    // <body> starts it too, but the whitespace held back before it belongs to the head.
    startsBody: !HEAD_CONTENT.has(tagName) && tagName !== 'body',
    closesParagraph: CLOSES_PARAGRAPH.has(tagName),
    isScopeBoundary: SCOPE_BOUNDARIES.has(tagName),
    isTablePart: TABLE_PARTS.has(tagName),
    attributes: ELEMENT_ATTRIBUTES[tagName],
    endTag: `</${tagName}>`,
  };
}

const KEPT_ELEMENTS = [...ALLOWED_ELEMENTS].filter((tagName) => !VOID_ELEMENTS.has(tagName));
const KNOWN_ELEMENTS = new Set([
  ...ALLOWED_ELEMENTS, ...VOID_ELEMENTS, ...DROPPED_WITH_CONTENT, ...HEAD_CONTENT, ...CLOSES_PARAGRAPH, 'body',
]);
const ELEMENT_RULES: ReadonlyMap<string, ElementRule> = new Map([
  ...[...KNOWN_ELEMENTS].map((tagName): [string, ElementRule] => [tagName, elementRule(tagName, KEPT_ELEMENTS.indexOf(tagName))]),
  // The HTML parser turns <image> into <img>.
  ['image', elementRule('img', -1)],
]);
/** Custom tags, Outlook's o:p and all other names: their tag goes, their content stays. */
const UNKNOWN_ELEMENT_RULE = elementRule('', -1);
/** Wraps the body's content when <body> had colours; closed only at the very end. */
const BODY_WRAPPER_RULE = elementRule('div', -1);

function ruleOf(tagName: string): ElementRule {
  return ELEMENT_RULES.get(tagName) ?? UNKNOWN_ELEMENT_RULE;
}

const PARAGRAPH_RULE = ruleOf('p');

/** The self-closing flag means nothing on HTML elements; only SVG and MathML elements honour it. */
function hasContent(rule: ElementRule, selfClosing: boolean): boolean {
  return !rule.isVoid && !(selfClosing && (rule.tagName === 'svg' || rule.tagName === 'math'));
}

export function sanitizeMailHtml(html: string, options: SanitizeMailHtmlOptions = {}): SanitizedMailHtml {
  return new MailHtmlSanitizer(preprocessInputStream(html), options).run();
}

/**
 * Browsers normalize newlines before they tokenize, and read NUL as U+FFFD in names and attribute
 * values (in text they drop it; a visible U+FFFD there is harmless). Doing both first means the
 * tokenizer never sees either, and names and values read here are the ones the browser reads.
 */
function preprocessInputStream(html: string): string {
  let preprocessed = html;
  // includes() is a vectorized search; a regex test would walk the input character by character.
  if (preprocessed.includes('\r')) preprocessed = preprocessed.replace(/\r\n?/g, '\n');
  if (preprocessed.includes('\0')) preprocessed = preprocessed.replaceAll('\0', '\ufffd');
  return preprocessed;
}

/** An element being skipped together with its content. */
interface DroppedSubtree {
  rule: ElementRule;
  /** Open elements of the same name inside it, itself included. */
  depth: number;
}

class MailHtmlSanitizer implements TokenizerCallbacks {
  private readonly tokenizer: Tokenizer;
  private output = '';
  private blockedRemoteImages = 0;
  private hasRemoteContent = false;
  /** Newsletters repeat the same style attribute on every cell: each distinct one is judged once. */
  private readonly styleAttributes = new Map<string, string>();

  // The start tag being read. Attributes are kept as parallel lists of considered names and values.
  private tagName = '';
  private attributeCount = 0;
  private readonly attributeNames: string[] = [];
  private readonly attributeValues: string[] = [];
  private attributeName: string | null = null;
  private attributeValue = '';
  /** What the last character reference in the value decoded to, until raw text follows it. */
  private attributeReference = '';

  /** The elements written and not yet closed, outermost first. */
  private readonly openElements: ElementRule[] = [];
  /** For each kept element (by rule id), its positions in openElements, ascending. */
  private readonly openPositions: number[][] = KEPT_ELEMENTS.map(() => []);
  /** Positions of open scope boundaries (and of the body wrapper, which nothing may close early). */
  private readonly scopeBoundaryPositions: number[] = [];
  /** Positions of open tables (and of the body wrapper): the limit of table-part end tags. */
  private readonly tableScopeBoundaryPositions: number[] = [];

  private droppedSubtree: DroppedSubtree | null = null;
  /** The text of the <style> element being read, or null outside one. */
  private styleSheetText: string | null = null;
  /** A tag or comment was tokenized inside <style>: the browser reads it all as CSS text. */
  private styleSheetHasMarkup = false;
  private bodySeen = false;
  /** Content or <body> seen: from here on, whitespace is content too. */
  private inBody = false;
  /**
   * Whitespace before the body starts: the parser puts it into the head (dropped), unless the body
   * starts without a <body> tag. Holding it back until that is known keeps the output idempotent.
   */
  private whitespaceBeforeBody = '';
  /** Where the rest of the input is text, after a <plaintext> start tag; -1 without one. */
  private plaintextStart = -1;

  constructor(
    private readonly html: string,
    private readonly options: SanitizeMailHtmlOptions,
  ) {
    this.tokenizer = new Tokenizer({ decodeEntities: true }, this);
  }

  run(): SanitizedMailHtml {
    this.tokenizer.write(this.html);
    if (this.plaintextStart === -1) this.tokenizer.end();
    else this.emitText(this.html.slice(this.plaintextStart));

    if (this.styleSheetText !== null) this.endStyleSheet();
    for (let position = this.openElements.length - 1; position >= 0; position--) {
      this.output += this.openElements[position]?.endTag ?? '';
    }
    return {
      // Whitespace before the first content would be dropped by the parser anyway; trimming it
      // keeps the output stable.
      html: this.output.trimStart(),
      blockedRemoteImages: this.blockedRemoteImages,
      hasRemoteContent: this.hasRemoteContent,
    };
  }

  // ---- tokenizer callbacks ------------------------------------------------------------------

  ontext(start: number, endIndex: number): void {
    this.handleText(this.html.slice(start, endIndex));
  }

  ontextentity(codePoint: number): void {
    this.handleText(String.fromCodePoint(codePoint));
  }

  onopentagname(start: number, endIndex: number): void {
    this.tagName = asciiLowerCase(this.html.slice(start, endIndex));
    this.attributeCount = 0;
  }

  onattribname(start: number, endIndex: number): void {
    const name = asciiLowerCase(this.html.slice(start, endIndex));
    this.attributeName = CONSIDERED_ATTRIBUTES.has(name) ? name : null;
    this.attributeValue = '';
    this.attributeReference = '';
  }

  onattribdata(start: number, endIndex: number): void {
    if (this.attributeName === null) return;
    if (this.attributeReference !== '') {
      this.restoreMisreadReference(start);
      this.attributeReference = '';
    }
    this.attributeValue += this.html.slice(start, endIndex);
  }

  onattribentity(codePoint: number): void {
    if (this.attributeName === null) return;
    this.attributeReference = String.fromCodePoint(codePoint);
    this.attributeValue += this.attributeReference;
  }

  onattribend(): void {
    const name = this.attributeName;
    // The first of duplicate attributes wins, as in browsers.
    if (name === null || this.attributeIndex(name) !== -1) return;
    this.attributeNames[this.attributeCount] = name;
    this.attributeValues[this.attributeCount] = this.attributeValue;
    this.attributeCount += 1;
  }

  /**
   * In an attribute, a named reference without its semicolon that is followed by an alphanumeric
   * or "=" stays as typed ("?a=1&notin=2"). The tokenizer's entity decoder misses that rule when the
   * longer name it was hoping for ("&notin;") fails; `nextStart` is where the raw text resumes.
   */
  private restoreMisreadReference(nextStart: number): void {
    const next = this.html.charCodeAt(nextStart);
    if ((!isAsciiAlphanumeric(next) && next !== EQUALS_SIGN) || this.html.charCodeAt(nextStart - 1) === SEMICOLON) return;
    let ampersand = nextStart - 1;
    while (ampersand > nextStart - LONGEST_REFERENCE_NAME && isAsciiAlphanumeric(this.html.charCodeAt(ampersand))) ampersand--;
    // Numeric references ("&#38x") are decoded whatever follows them.
    if (this.html.charCodeAt(ampersand) !== AMPERSAND) return;
    this.attributeValue = this.attributeValue.slice(0, -this.attributeReference.length) + this.html.slice(ampersand, nextStart);
  }

  onopentagend(endIndex: number): void {
    this.handleStartTag(false, endIndex);
  }

  onselfclosingtag(endIndex: number): void {
    this.handleStartTag(true, endIndex);
  }

  onclosetag(start: number, endIndex: number): void {
    // The tokenizer skips whitespace after "</"; a browser reads "</ div>" as a bogus comment.
    if (this.html.charCodeAt(start - 1) !== SOLIDUS) return;
    this.handleEndTag(asciiLowerCase(this.html.slice(start, endIndex)));
  }

  oncomment(): void {
    this.noteMarkupInStyleSheet();
  }

  oncdata(): void {
    this.noteMarkupInStyleSheet();
  }

  ondeclaration(): void {
    this.noteMarkupInStyleSheet();
  }

  onprocessinginstruction(): void {
    this.noteMarkupInStyleSheet();
  }

  onend(): void {}

  // ---- tokens -------------------------------------------------------------------------------

  private handleText(text: string): void {
    if (this.droppedSubtree !== null) return;
    if (this.styleSheetText !== null) {
      this.styleSheetText += text;
      return;
    }
    this.emitText(text);
  }

  private emitText(text: string): void {
    if (!this.inBody) {
      if (isHtmlWhitespace(text)) {
        this.whitespaceBeforeBody += text;
        return;
      }
      this.startBody();
    }
    this.output += escapeText(text);
  }

  /** Content without a <body> tag before it starts the body, whitespace held back included. */
  private startBody(): void {
    if (this.inBody) return;
    this.inBody = true;
    this.output += this.whitespaceBeforeBody;
    this.whitespaceBeforeBody = '';
  }

  private handleStartTag(selfClosing: boolean, endIndex: number): void {
    const dropped = this.droppedSubtree;
    if (dropped !== null) {
      this.noteRemoteReferences();
      if (this.tagName === dropped.rule.tagName && hasContent(dropped.rule, selfClosing)) dropped.depth += 1;
      return;
    }
    if (this.styleSheetText !== null) {
      this.styleSheetHasMarkup = true;
      return;
    }

    const rule = ruleOf(this.tagName);
    if (rule.startsBody) this.startBody();
    if (rule.closesParagraph) this.closeParagraphInScope();
    switch (rule.action) {
      case 'keep':
        this.emitElement(rule);
        break;
      case 'drop':
        this.noteRemoteReferences();
        if (hasContent(rule, selfClosing)) this.droppedSubtree = { rule, depth: 1 };
        break;
      case 'style-sheet':
        this.styleSheetText = '';
        this.styleSheetHasMarkup = false;
        break;
      case 'body':
        this.openBody();
        break;
      case 'plaintext':
        // Everything after <plaintext> is text, to the end of the input.
        this.plaintextStart = endIndex + 1;
        this.tokenizer.pause();
        break;
      case 'unwrap':
        this.noteRemoteReferences();
        break;
    }
  }

  private handleEndTag(tagName: string): void {
    const dropped = this.droppedSubtree;
    if (dropped !== null) {
      if (tagName === dropped.rule.tagName) {
        dropped.depth -= 1;
        if (dropped.depth === 0) this.droppedSubtree = null;
      }
      return;
    }
    if (this.styleSheetText !== null) {
      if (tagName === 'style') this.endStyleSheet();
      else this.styleSheetHasMarkup = true;
      return;
    }

    if (tagName === 'br') {
      // The HTML parser reads </br> as <br>.
      this.startBody();
      this.output += '<br>';
    } else if (tagName === 'p') {
      // A </p> without an open <p> makes the HTML parser insert an empty paragraph.
      if (!this.closeParagraphInScope()) {
        this.startBody();
        this.output += '<p></p>';
      }
    } else {
      const rule = ELEMENT_RULES.get(tagName);
      if (rule === undefined || rule.action !== 'keep') return;
      const position = this.lastOpenPosition(rule);
      const scopeBoundaries = rule.isTablePart ? this.tableScopeBoundaryPositions : this.scopeBoundaryPositions;
      // A stray end tag closes up to its match if that is open (in scope); otherwise it is ignored.
      if (position !== -1 && position >= lastOf(scopeBoundaries)) this.closeDownTo(position);
    }
  }

  private noteMarkupInStyleSheet(): void {
    if (this.styleSheetText !== null) this.styleSheetHasMarkup = true;
  }

  // ---- elements -----------------------------------------------------------------------------

  private emitElement(rule: ElementRule): void {
    const attributes = this.sanitizeAttributes(rule);
    if (attributes === null) return;
    this.output += `<${rule.tagName}${attributes}>`;
    if (!rule.isVoid) this.pushOpenElement(rule);
  }

  /** The body's own colours (bgcolor/text/style) survive on a wrapper div, since <body> itself does not. */
  private openBody(): void {
    this.noteRemoteReferences();
    this.whitespaceBeforeBody = '';
    this.inBody = true;
    // A second <body> only adds attributes the first lacked; mail has no use for that.
    if (this.bodySeen) return;
    this.bodySeen = true;

    const declarations: string[] = [];
    const bodyStyle = this.attribute('style');
    if (bodyStyle !== null) declarations.push(bodyStyle);
    const bodyBackground = this.attribute('bgcolor');
    if (bodyBackground !== null) declarations.push(`background-color: ${bodyBackground}`);
    const bodyTextColour = this.attribute('text');
    if (bodyTextColour !== null) declarations.push(`color: ${bodyTextColour}`);
    const wrapperStyle = declarations.length > 0 ? this.styleAttribute(declarations.join(';')) : '';
    if (wrapperStyle === '') return;

    this.output += `<div${wrapperStyle}>`;
    // As a boundary of every scope, the wrapper is out of reach of all end tags.
    const position = this.openElements.length;
    this.openElements.push(BODY_WRAPPER_RULE);
    this.scopeBoundaryPositions.push(position);
    this.tableScopeBoundaryPositions.push(position);
  }

  private endStyleSheet(): void {
    const sheet = sanitizeStyleSheet(this.styleSheetText ?? '');
    this.styleSheetText = null;
    if (sheet.blockedRemote) this.hasRemoteContent = true;
    // Markup tokenized inside means a "<" in the browser's CSS text, which refuses the sheet. And
    // the sheet is raw text inside <style>: it must not be able to close the element early.
    if (this.styleSheetHasMarkup || sheet.css === '' || sheet.css.includes('<')) return;
    this.output += `<style>${sheet.css}</style>`;
  }

  private pushOpenElement(rule: ElementRule): void {
    const position = this.openElements.length;
    this.openElements.push(rule);
    this.openPositions[rule.id]?.push(position);
    if (rule.isScopeBoundary) this.scopeBoundaryPositions.push(position);
    if (rule.tagName === 'table') this.tableScopeBoundaryPositions.push(position);
  }

  /** Closes the open elements from the innermost down to the one at `position`, inclusive. */
  private closeDownTo(position: number): void {
    while (this.openElements.length > position) {
      const rule = this.openElements.pop() ?? UNKNOWN_ELEMENT_RULE;
      this.output += rule.endTag;
      this.openPositions[rule.id]?.pop();
      if (rule.isScopeBoundary) this.scopeBoundaryPositions.pop();
      if (rule.tagName === 'table') this.tableScopeBoundaryPositions.pop();
    }
  }

  /** Returns whether there was an open <p> in scope to close. */
  private closeParagraphInScope(): boolean {
    const position = this.lastOpenPosition(PARAGRAPH_RULE);
    if (position === -1 || position < lastOf(this.scopeBoundaryPositions)) return false;
    this.closeDownTo(position);
    return true;
  }

  private lastOpenPosition(rule: ElementRule): number {
    return lastOf(this.openPositions[rule.id] ?? []);
  }

  // ---- attributes ---------------------------------------------------------------------------

  private attributeIndex(name: string): number {
    for (let index = 0; index < this.attributeCount; index++) if (this.attributeNames[index] === name) return index;
    return -1;
  }

  private attribute(name: string): string | null {
    const index = this.attributeIndex(name);
    return index === -1 ? null : (this.attributeValues[index] ?? null);
  }

  /** Returns the serialized attribute list (with a leading space each), or null to drop the element. */
  private sanitizeAttributes(rule: ElementRule): string | null {
    const tagName = rule.tagName;
    let serialized = '';
    let imageSourceFound = false;

    for (let index = 0; index < this.attributeCount; index++) {
      const name = this.attributeNames[index] ?? '';
      const value = this.attributeValues[index] ?? '';
      if (name === 'style') {
        serialized += this.styleAttribute(value);
      } else if (name === 'href' && tagName === 'a') {
        const href = safeLinkUrl(value);
        if (href !== null) {
          serialized += ` href="${escapeAttribute(href)}" target="_blank" rel="noopener noreferrer nofollow"`;
        }
      } else if (name === 'src' && tagName === 'img') {
        const source = this.sanitizeImageSource(value);
        if (source !== '') {
          serialized += source;
          imageSourceFound = true;
        }
      } else if (GLOBAL_ATTRIBUTES.has(name) || rule.attributes?.has(name)) {
        serialized += ` ${name}="${escapeAttribute(value)}"`;
      } else if (LOADING_ATTRIBUTES.has(name) && isRemoteUrl(value)) {
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

  /** Returns ` style="…"` with the declarations that pass, or '' when none does. */
  private styleAttribute(cssText: string): string {
    let attribute = this.styleAttributes.get(cssText);
    if (attribute === undefined) {
      const declarations = sanitizeDeclarations(cssText);
      // A blocked url() is reported at its first sighting; the flag never goes back.
      if (declarations.blockedRemote) this.hasRemoteContent = true;
      attribute = declarations.css === '' ? '' : ` style="${escapeAttribute(declarations.css)}"`;
      this.styleAttributes.set(cssText, attribute);
    }
    return attribute;
  }

  /** For elements that are not written out: would they have loaded anything remote? */
  private noteRemoteReferences(): void {
    for (let index = 0; index < this.attributeCount && !this.hasRemoteContent; index++) {
      const name = this.attributeNames[index] ?? '';
      const value = this.attributeValues[index] ?? '';
      if (name === 'style') {
        // Notes a blocked url() as a side effect.
        this.styleAttribute(value);
      } else if (LOADING_ATTRIBUTES.has(name) && !(name === 'href' && this.tagName === 'a') && isRemoteUrl(value)) {
        this.hasRemoteContent = true;
      }
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
 * they are. (The tokenizer has already decoded character references in the attribute value.)
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
// Text helpers
// ---------------------------------------------------------------------------------------------

const HTML_WHITESPACE = /^[\t\n\f\r ]*$/;
const SOLIDUS = 0x2f;
const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const EQUALS_SIGN = 0x3d;
/** Longer than any named character reference ("&CounterClockwiseContourIntegral;"). */
const LONGEST_REFERENCE_NAME = 40;

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isHtmlWhitespace(text: string): boolean {
  return HTML_WHITESPACE.test(text);
}

/** Tag and attribute names are case-insensitive for ASCII letters only. */
function asciiLowerCase(name: string): string {
  // Names are short and nearly always lowercase already: a plain scan beats a regex test here.
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code >= 0x41 && code <= 0x5a) return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  }
  return name;
}

function lastOf(positions: readonly number[]): number {
  return positions.length === 0 ? -1 : (positions[positions.length - 1] ?? -1);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\u00a0': '&nbsp;',
};

function escapeCharacter(character: string): string {
  return ESCAPES[character] ?? character;
}

/**
 * Text and attribute values escape < and > as well (HTML does not require it in attributes): the
 * output then contains "<" only where a tag starts, which revealRemoteImages relies on. Most text
 * needs no escaping, and a few vectorized includes() find that out faster than one regex test.
 */
function escapeText(text: string): string {
  if (!text.includes('&') && !text.includes('<') && !text.includes('>') && !text.includes('\u00a0')) return text;
  return text.replace(/[&<>\u00a0]/g, escapeCharacter);
}

function escapeAttribute(value: string): string {
  if (!value.includes('&') && !value.includes('<') && !value.includes('>') && !value.includes('"') && !value.includes('\u00a0')) {
    return value;
  }
  return value.replace(/[&<>"\u00a0]/g, escapeCharacter);
}
