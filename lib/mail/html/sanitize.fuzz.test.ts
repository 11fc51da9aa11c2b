import fc from 'fast-check';
import { defaultTreeAdapter, html as parse5Html, parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs, mutatedHtml, stretched } from '../../../tests/harness/fuzz';
import { REMOTE_IMAGE_SOURCE_ATTRIBUTE } from './render';
import { sanitizeMailHtml } from './sanitize';
import { problemsIn } from './sanitize.test-safety-check';
import { ALLOWED_ELEMENTS, GLOBAL_ATTRIBUTES, ruleOf } from './sanitize-policy';
import { htmlToPlainText } from './text';

// Property-based fuzzing of the HTML sanitizer, seeded from the XSS corpora and the HTML of the MIME
// corpora (tests/harness/fuzz.ts). Its output is judged by parse5, a spec-compliant HTML parser,
// reading it as the mail frame's browser will.

/** See mime.fuzz.test.ts: generous against tens of milliseconds, tiny against a quadratic walk. */
const MAX_MS_PER_MEGABYTE = 20_000;
const MEGABYTE = 1024 * 1024;

/** Attributes the sanitizer writes beyond the presentational allowlist. */
const WRITTEN_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  a: new Set(['href', 'target', 'rel']),
  img: new Set(['src', REMOTE_IMAGE_SOURCE_ATTRIBUTE]),
};

/** Attributes a browser reads as a URL to follow or load (the only ones a script URL is dangerous in). */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', REMOTE_IMAGE_SOURCE_ATTRIBUTE, 'action', 'formaction', 'background', 'poster', 'cite', 'longdesc', 'usemap', 'data', 'codebase']);

type Element = DefaultTreeAdapterTypes.Element;

function elementsOf(html: string): Element[] {
  const body = defaultTreeAdapter.createElement('body', parse5Html.NS.HTML, []);
  const pending: DefaultTreeAdapterTypes.Node[] = [...parseFragment(body, html, { scriptingEnabled: false }).childNodes];
  const elements: Element[] = [];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (!('tagName' in node)) continue;
    elements.push(node);
    pending.push(...node.childNodes);
  }
  return elements;
}

/** Everything in the output that the allowlist does not name; empty when the output is clean. */
function outsideTheAllowlist(html: string): string[] {
  const found: string[] = [];
  for (const element of elementsOf(html)) {
    // parse5 adds the <tbody> a table row implies; it is allowlisted anyway.
    // <style> is kept, rebuilt from sanitized rules (problemsIn checks its text).
    const allowedElement = ALLOWED_ELEMENTS.has(element.tagName) || (element.tagName === 'style' && element.attrs.length === 0);
    if (element.namespaceURI !== parse5Html.NS.HTML || !allowedElement) found.push(`<${element.tagName}>`);
    for (const { name, value } of element.attrs) {
      const allowed = name === 'style' || GLOBAL_ATTRIBUTES.has(name) || ruleOf(element.tagName).attributes?.has(name) || WRITTEN_ATTRIBUTES[element.tagName]?.has(name);
      if (!allowed) found.push(`${element.tagName}[${name}]`);
      if (!URL_ATTRIBUTES.has(name)) continue;
      const url = value.replace(/[\u0000-\u0020\u007f-\u00a0]+/g, '').toLowerCase();
      if (/^(?:javascript|vbscript|livescript|mocha):/.test(url)) found.push(`script URL in ${name}`);
      if (url.startsWith('data:') && !(name === 'src' && /^data:image\/(?:png|gif|jpeg|jpg|webp);base64,/.test(url))) found.push(`data: URL in ${name}: ${url.slice(0, 40)}`);
    }
  }
  return found;
}

const cidUrl = (contentId: string) => (contentId.startsWith('logo') ? `/api/mail/attachments/00000000-0000-4000-8000-000000000000` : null);

describe('the HTML sanitizer under fuzzing', () => {
  it('never throws, and a browser-grade parser finds only allowlisted elements and attributes and no script URL in its output', { timeout: fuzzTimeoutMs() }, () => {
    fc.assert(
      fc.property(mutatedHtml(), (input) => {
        const output = sanitizeMailHtml(input, { cidUrl }).html;
        expect(outsideTheAllowlist(output)).toEqual([]);
        expect(problemsIn(output)).toEqual([]);
        htmlToPlainText(input);
      }),
      fuzzParameters(150),
    );
  });

  it('is stable: its output sanitized again comes out the same', { timeout: fuzzTimeoutMs() }, () => {
    fc.assert(
      fc.property(mutatedHtml(), (input) => {
        // Images are the exception by design: their parked remote URL (data-remote-src) and the
        // app's own attachment URL are written by the sanitizer and never accepted from a sender.
        // And whitespace: the sanitizer moves whitespace between head elements (<style>) after
        // them, where the first pass had left some among them; where it stands makes no difference.
        const withoutImages = (html: string) => html.replace(/<img [^>]*>/g, '').replace(/\s+/g, ' ').replace(/> </g, '><').trim();
        const once = withoutImages(sanitizeMailHtml(input, { cidUrl }).html);
        const twice = withoutImages(sanitizeMailHtml(once, { cidUrl }).html);
        if (twice !== once) {
          let at = 0;
          while (once[at] === twice[at]) at++;
          expect(twice.slice(Math.max(0, at - 200), at + 200)).toBe(once.slice(Math.max(0, at - 200), at + 200));
        }
      }),
      fuzzParameters(100),
    );
  });

  it('sanitizes and reads the text of any input of up to 1 MB within a fixed time', { timeout: fuzzTimeoutMs(60_000) }, () => {
    fc.assert(
      fc.property(stretched(mutatedHtml(), MEGABYTE, (parts) => parts.join('')), (input) => {
        const bounded = input.slice(0, MEGABYTE);
        const started = performance.now();
        sanitizeMailHtml(bounded, { cidUrl });
        htmlToPlainText(bounded);
        const elapsed = performance.now() - started;
        expect(elapsed, `${bounded.length} characters took ${Math.round(elapsed)} ms`).toBeLessThan(MAX_MS_PER_MEGABYTE);
      }),
      fuzzParameters(3),
    );
  });
});
