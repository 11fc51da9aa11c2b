import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs, htmlSeeds, stretched } from '../../../tests/harness/fuzz';
import { sanitizeMailHtml } from './sanitize';
import { problemsIn } from './sanitize.test-safety-check';
import { sanitizeDeclarations, sanitizeStyleSheet } from './sanitize-css';

// Property-based fuzzing of the CSS sanitizer: style sheets and style attributes from the corpora,
// with CSS tokens spliced in (tests/harness/fuzz.ts runs it short in `npm test`, long in `npm run fuzz`).

const MAX_MS_PER_MEGABYTE = 20_000;
const MEGABYTE = 1024 * 1024;

/** The style sheets and style attributes of the HTML corpora, plus a few hand-made ones. */
const cssSeeds: readonly string[] = [
  'color: red; background: url(http://t.example/x.gif)',
  '@media screen and (max-width: 600px) { .a { width: 100% !important } } p { margin: 0 }',
  '@import url(//t.example/s.css); body { behavior: url(x.htc); -moz-binding: url(x.xml#y) }',
  'width: expression(alert(1)); background-image: image-set("x.png" 1x)',
  ...htmlSeeds.flatMap((html) => [
    ...[...html.matchAll(/<style[^>]*>([\s\S]{0,20000}?)<\/style>/gi)].map((match) => match[1] ?? ''),
    ...[...html.matchAll(/style\s*=\s*"([^"]{0,2000})"/gi)].map((match) => match[1] ?? ''),
  ]),
].filter((css) => css.trim() !== '');

const CSS_TOKENS = [
  ':', ';', '{', '}', '(', ')', '"', "'", '\\', '\\0', '\\75 rl(', '\\28', '/*', '*/', '<!--', '-->', '<', '>', '</style>', '@', '@import ', '@media ', '@media screen{',
  '@supports (display:grid){', '@font-face{src:url(x)}', '@namespace ', '@charset "utf-8";', 'url(', 'url("javascript:alert(1)")', 'URL(', 'u\\rl(', 'image-set(', 'image(',
  'expression(', 'behavior:', '-moz-binding:', 'javascript:', 'position:fixed', 'position: absolute', '!important', 'var(--x)', 'attr(data-x)', 'calc(1px + 2px)',
  'linear-gradient(red, blue)', 'rgb(1,2,3)', 'http://t.example/', '//t.example', '&', '&#58;', '\n', '\t', '\f', '\r', '\u0000', ' ', 'é', '\u2028',
];

function mutatedCss(): fc.Arbitrary<string> {
  const insertion = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...CSS_TOKENS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  );
  const edit = fc.record({ at: fc.nat(), length: fc.nat({ max: 32 }), insert: insertion });
  return fc.tuple(fc.constantFrom(...cssSeeds), fc.array(edit, { minLength: 1, maxLength: 10 })).map(([seed, edits]) =>
    edits.reduce((css, { at, length, insert }) => {
      const position = at % (css.length + 1);
      return css.slice(0, position) + insert + css.slice(position + length);
    }, seed),
  );
}

/** What no sanitized CSS may contain, comments removed; `values` only for what matters in declarations. */
function cssProblems(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '').toLowerCase();
  // Inside braces (a sheet's declarations), or the whole of a declaration list. In a selector,
  // "behavior:" or "javascript:" is only an invalid pseudo-class, which the browser drops.
  const values = text.includes('{') ? [...text.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]).join(';') : text;
  const problems: string[] = [];
  for (const [name, pattern, where] of [
    ['url()', /url\s*\(/, text],
    ['image-set()', /image(?:-set)?\(/, values],
    ['@import', /@import/, text],
    ['escape', /\\/, text],
    ['markup', /</, text],
    ['at-rule other than @media/@supports', /@(?!media\b|supports\b)/, text],
    ['expression()', /expression\s*\(/, values],
    ['script URL', /javascript:|vbscript:/, values],
    ['binding', /(?:^|[;\s])(?:behavior|-moz-binding)\s*:/, values],
    ['fixed position', /position\s*:\s*(?:fixed|absolute|sticky)/, values],
  ] as const) {
    if (pattern.test(where)) problems.push(name);
  }
  return problems;
}

describe('the CSS sanitizer under fuzzing', () => {
  it('never throws, and keeps nothing that loads, runs or escapes, in style attributes and style sheets alike', { timeout: fuzzTimeoutMs() }, () => {
    fc.assert(
      fc.property(mutatedCss(), (css) => {
        const declarations = sanitizeDeclarations(css).css;
        const sheet = sanitizeStyleSheet(css).css;
        expect(cssProblems(declarations)).toEqual([]);
        expect(cssProblems(sheet)).toEqual([]);
        // Sanitizing again keeps what passed once.
        expect(sanitizeDeclarations(declarations).css).toBe(declarations);
        expect(sanitizeStyleSheet(sheet).css).toBe(sheet);
        // And in a style attribute, as a browser-grade parser reads it.
        const inHtml = sanitizeMailHtml(`<p style="${css.replaceAll('"', '&quot;')}">x</p>`).html;
        expect(problemsIn(inHtml)).toEqual([]);
      }),
      fuzzParameters(150),
    );
  });

  it('sanitizes any CSS of up to 1 MB within a fixed time', { timeout: fuzzTimeoutMs(60_000) }, () => {
    fc.assert(
      fc.property(stretched(mutatedCss(), MEGABYTE, (parts) => parts.join('')), (css) => {
        const bounded = css.slice(0, MEGABYTE);
        const started = performance.now();
        sanitizeDeclarations(bounded);
        sanitizeStyleSheet(bounded);
        const elapsed = performance.now() - started;
        expect(elapsed, `${bounded.length} characters took ${Math.round(elapsed)} ms`).toBeLessThan(MAX_MS_PER_MEGABYTE);
      }),
      fuzzParameters(3),
    );
  });
});
