import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTreeAdapter, html as parse5Html, parseFragment, type DefaultTreeAdapterTypes } from 'parse5';

// The sanitizer's tests judge its output by this check, not by the sanitizer's own idea of safety:
// it parses the output as the mail frame will and looks for anything that could run or load.

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

interface Payload {
  label: string;
  html: string;
}

const fixturesDirectory = path.resolve(import.meta.dirname, '../../../tests/fixtures/xss');

function loadPayloads(fileName: string, labelOf: (entry: Record<string, unknown>) => string): Payload[] {
  const entries = JSON.parse(readFileSync(path.join(fixturesDirectory, fileName), 'utf8')) as Array<Record<string, unknown>>;
  return entries.map((entry) => ({ label: labelOf(entry), html: String(entry.payload) }));
}

export const dompurifyPayloads = loadPayloads('dompurify-payloads.json', (entry) => String(entry.title));
export const h5scVectors = loadPayloads('h5sc-vectors.json', (entry) => `#${String(entry.id)} ${String(entry.name)}`);

/**
 * The output is parsed the way the mail frame will parse it: as the children of <body>, by a
 * spec-compliant parser, with scripting disabled (the frame has no allow-scripts).
 */
function parseAsFrameBody(html: string): Element[] {
  const bodyContext = defaultTreeAdapter.createElement('body', parse5Html.NS.HTML, []);
  const fragment = parseFragment(bodyContext, html, { scriptingEnabled: false });
  const elements: Element[] = [];
  const pending: Node[] = [...fragment.childNodes];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (!('tagName' in node)) continue;
    elements.push(node);
    pending.push(...node.childNodes);
    if ('content' in node) pending.push(...(node as DefaultTreeAdapterTypes.Template).content.childNodes);
  }
  return elements;
}

function textOf(element: Element): string {
  return element.childNodes.map((node) => ('value' in node ? node.value : '')).join('');
}

const FORBIDDEN_ELEMENTS = new Set([
  'script', 'iframe', 'object', 'embed', 'base', 'meta', 'link', 'form', 'frame', 'frameset', 'applet',
  'svg', 'math', 'input', 'button', 'textarea', 'select', 'video', 'audio', 'source', 'template', 'noscript',
  'html', 'head', 'body', 'title', 'xmp', 'noembed', 'noframes', 'plaintext',
]);

/** These never survive, whatever their value. */
const FORBIDDEN_ATTRIBUTES = new Set([
  'srcdoc', 'formaction', 'action', 'xlink:href', 'ping', 'background', 'poster', 'srcset', 'data', 'lowsrc', 'dynsrc', 'is',
]);

const URL_BEARING_ATTRIBUTES = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'data', 'style', 'data-remote-src',
]);

/** Entities are already decoded by the parser; whitespace and control characters are what browsers skip. */
function normalizedForSchemeCheck(value: string): string {
  return value.replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028\u2029\u205f\u3000\ufeff]+/g, '').toLowerCase();
}

/** Every way the output could still run script or load something remote; empty when safe. */
export function problemsIn(outputHtml: string): string[] {
  const problems: string[] = [];
  if (/<\/?(?:html|head|body)\b/i.test(outputHtml)) problems.push('document wrapper tags in the fragment');
  for (const element of parseAsFrameBody(outputHtml)) {
    const tag = element.tagName;
    if (element.namespaceURI !== parse5Html.NS.HTML) problems.push(`foreign element <${tag}>`);
    if (FORBIDDEN_ELEMENTS.has(tag)) problems.push(`element <${tag}>`);
    if (tag === 'style') {
      const css = normalizedForSchemeCheck(textOf(element));
      if (/url\(|@import|expression\(|\\|javascript:|behavior|binding/.test(css)) problems.push(`style sheet: ${css}`);
    }
    for (const attribute of element.attrs) {
      const name = attribute.prefix ? `${attribute.prefix}:${attribute.name}` : attribute.name;
      const value = normalizedForSchemeCheck(attribute.value);
      if (name.startsWith('on')) problems.push(`event handler ${name}`);
      if (FORBIDDEN_ATTRIBUTES.has(name)) problems.push(`attribute ${name}`);
      if (URL_BEARING_ATTRIBUTES.has(name)) {
        if (/^(?:javascript|vbscript|data:text\/html)/.test(value)) problems.push(`script URL in ${name}: ${value}`);
        // Only CSS runs expressions: "expression(" in a web address is just text.
        if (name === 'style' && value.includes('expression(')) problems.push(`CSS expression in ${name}`);
      }
      if (name === 'style' && /url\(|\\|@import|behavior|-moz-binding|position:fixed/.test(value)) problems.push(`style: ${value}`);
      if (name === 'src' && !value.startsWith('data:image/') && !value.startsWith('cid:')) problems.push(`loading src: ${value}`);
      if (name === 'data-remote-src' && !/^https?:\/\//.test(value)) problems.push(`parked non-web URL: ${value}`);
    }
    if (tag === 'a' && element.attrs.some((attribute) => attribute.name === 'href')) {
      const rel = element.attrs.find((attribute) => attribute.name === 'rel')?.value ?? '';
      const target = element.attrs.find((attribute) => attribute.name === 'target')?.value;
      if (target !== '_blank' || !rel.includes('noopener') || !rel.includes('noreferrer')) problems.push('link without target/rel');
    }
  }
  return problems;
}
