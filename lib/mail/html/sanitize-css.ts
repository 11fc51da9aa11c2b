/**
 * The CSS half of the mail sanitizer (see sanitize.ts): inline style attributes and <style> sheets
 * are rebuilt from declarations and rules that pass an allowlist, so nothing in them can load a
 * resource, run script (expression(), behaviors, bindings) or lay fixed UI over the app.
 */

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
/**
 * "url(" starts a URL token wherever it stands, also in a selector, and that token swallows braces up
 * to its ")": the browser would then read the rules after it differently from how they were checked.
 */
const URL_TOKEN = /url\s*\(/i;
const BINDING_WORDS = /-moz-binding|behavior/i;
/**
 * In a selector or condition "javascript:" is only an invalid pseudo-class, which the browser drops;
 * no real sheet has one, and keeping it out means no script scheme appears anywhere in the output.
 */
const SCRIPT_SCHEME = /(?:java|vb)script:/i;
const REMOTE_REFERENCE_IN_CSS = /(?:https?:)?\/\/|@import/i;

export interface SanitizedCss {
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
  // Only a name in a value, never the old IE/Firefox script hooks themselves; but no real style needs
  // the words, and with them gone no binding or behavior appears anywhere in the output.
  if (BINDING_WORDS.test(value)) return null;
  // Positioning outside the normal flow could lay a fake UI over the message (or over nothing).
  if (property === 'position' && !/^(?:static|relative)$/i.test(value)) return null;
  return `${property}: ${value}${important ? ' !important' : ''}`;
}

export function sanitizeDeclarations(cssText: string): SanitizedCss {
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
export function sanitizeStyleSheet(cssText: string): SanitizedCss {
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
      if (
        conditional &&
        depth < MAX_CONDITIONAL_RULE_DEPTH &&
        SAFE_CSS_CONDITION.test(condition) &&
        !SCRIPT_SCHEME.test(condition) &&
        usesOnlyAllowedCssConditionFunctions(condition)
      ) {
        const inner = sanitizeRuleList(statement.block, depth + 1);
        blockedRemote ||= inner.blockedRemote;
        if (inner.css !== '') kept.push(`@${conditional[1]?.toLowerCase()} ${condition}{${inner.css}}`);
      } else if (REMOTE_REFERENCE_IN_CSS.test(statement.block) || REMOTE_REFERENCE_IN_CSS.test(prelude)) {
        blockedRemote = true;
      }
      continue;
    }
    if (prelude === '' || !SAFE_CSS_SELECTOR.test(prelude) || !quotesAreBalanced(prelude) || URL_TOKEN.test(prelude) || SCRIPT_SCHEME.test(prelude)) continue;
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
