// The sanitizer's allowlists, and the per-element rules derived from them once so that the walk
// looks a tag up in one map instead of asking every set.

/** Elements kept as they are (with filtered attributes). Anything else loses its tag or is dropped. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
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
export const GLOBAL_ATTRIBUTES: ReadonlySet<string> = new Set([
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
export const LOADING_ATTRIBUTES: ReadonlySet<string> = new Set([
  'src', 'srcset', 'background', 'poster', 'data', 'lowsrc', 'dynsrc', 'href', 'imagesrcset',
]);

/**
 * Every attribute this sanitizer ever looks at (<body>'s text= included); the values of all others
 * are not even collected. Being a small fixed set, it also bounds the work of spotting duplicates.
 */
export const CONSIDERED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'style', 'text', ...GLOBAL_ATTRIBUTES, ...LOADING_ATTRIBUTES,
  ...Object.values(ELEMENT_ATTRIBUTES).flatMap((names) => [...names]),
]);

/** How a start tag is handled. */
type ElementAction = 'keep' | 'drop' | 'unwrap' | 'style-sheet' | 'body' | 'plaintext';

/** Everything the walk needs to know about an element name, gathered once from the sets above. */
export interface ElementRule {
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

export const KEPT_ELEMENTS = [...ALLOWED_ELEMENTS].filter((tagName) => !VOID_ELEMENTS.has(tagName));
const KNOWN_ELEMENTS = new Set([
  ...ALLOWED_ELEMENTS, ...VOID_ELEMENTS, ...DROPPED_WITH_CONTENT, ...HEAD_CONTENT, ...CLOSES_PARAGRAPH, 'body',
]);
export const ELEMENT_RULES: ReadonlyMap<string, ElementRule> = new Map([
  ...[...KNOWN_ELEMENTS].map((tagName): [string, ElementRule] => [tagName, elementRule(tagName, KEPT_ELEMENTS.indexOf(tagName))]),
  // The HTML parser turns <image> into <img>.
  ['image', elementRule('img', -1)],
]);
/** Custom tags, Outlook's o:p and all other names: their tag goes, their content stays. */
export const UNKNOWN_ELEMENT_RULE = elementRule('', -1);
/** Wraps the body's content when <body> had colours; closed only at the very end. */
export const BODY_WRAPPER_RULE = elementRule('div', -1);

export function ruleOf(tagName: string): ElementRule {
  return ELEMENT_RULES.get(tagName) ?? UNKNOWN_ELEMENT_RULE;
}

export const PARAGRAPH_RULE = ruleOf('p');

/** The self-closing flag means nothing on HTML elements; only SVG and MathML elements honour it. */
export function hasContent(rule: ElementRule, selfClosing: boolean): boolean {
  return !rule.isVoid && !(selfClosing && (rule.tagName === 'svg' || rule.tagName === 'math'));
}
