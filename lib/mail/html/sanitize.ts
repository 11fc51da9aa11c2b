import { MailHtmlSanitizer } from './sanitize-writer';

/**
 * Sanitizes the HTML body of an incoming message once, at ingest; what is stored is the output.
 *
 * The policy is an allowlist throughout: unknown elements lose their tag but keep their (sanitized)
 * content, unknown attributes are dropped, and URLs and CSS are rebuilt from parts that passed a
 * check rather than patched. It is applied in one streaming pass over htmlparser2's tokenizer,
 * without building a tree: tree construction was most of the importer's CPU time.
 *
 * Why a tokenizer that is not the browser's parser is safe here: nothing of the input's markup is
 * ever copied. The output is canonical markup written entirely by the sanitizer (sanitize-writer.ts) —
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
 * a restrictive CSP (see render.ts); this layer does not rely on that one.
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
