/**
 * The words a message (or, later, a CRM record) is found by. The importer turns each message's searchable text into a
 * tsvector literal here instead of calling Postgres' to_tsvector(): measured on the import
 * benchmark, to_tsvector('simple', …) was the largest single cost on the database side (about
 * 0.9 ms per message), while Postgres reads a ready tsvector for a fraction of that, and the
 * tokenizing runs in the importer, next to the parsing it already does.
 *
 * Queries must be tokenized by the same rules, so searches build their tsquery with
 * searchQueryLiteral() below, never with plainto_tsquery() — although for plain Latin-script words
 * the two agree, since both lowercase and split on punctuation.
 *
 * Rules:
 *  - a word is a run of letters, digits and combining marks, lowercased;
 *  - an e-mail address, host name, or dotted/hyphenated token ("ann@example.com", "q3-report",
 *    "v1.2") is kept whole and its parts are kept too, so "ann", "example.com" and "example" all
 *    find it;
 *  - letters lose their accents ("émigré" → "emigre", "för" → "for", also in Greek and Cyrillic), as
 *    in the search of the big mail services: people type without them;
 *  - Chinese, Japanese and Korean are written without spaces: a run of those characters becomes
 *    its overlapping pairs of characters (bigrams), so any word of two or more characters inside
 *    the run is found by its own pairs.
 * Positions are not stored: results are listed by date, not ranked, and phrase search is not offered.
 */

/** Longer tokens are noise (base64 leftovers, long URLs) and Postgres caps a lexeme at 2 KB. */
const MAX_TOKEN_LENGTH = 100;
/** Bounds the tsvector of a huge message (Postgres refuses one over 1 MB). */
const MAX_LEXEMES = 20_000;

const NON_ASCII = /[^\x00-\x7f]/;
/** Accents and other marks on Latin (and Greek, Cyrillic) letters once decomposed. */
const COMBINING_DIACRITICS = /[\u0300-\u036f]/g;

/**
 * The distinct lexemes of `text`, in first-seen order. Written for speed, since it runs over the
 * text of every imported message: one pass over the character codes (Unicode-aware regular
 * expressions split at 25 MB/s here, slower than parsing the message), a repeated word costs one
 * Set look-up, and only new words get the per-word work.
 */
export function searchLexemes(text: string, limit = MAX_LEXEMES): string[] {
  const folded = foldDiacritics(text.toLowerCase());
  const lexemes = new Set<string>();
  const add = (lexeme: string) => {
    if (lexeme.length > 0 && lexeme.length <= MAX_TOKEN_LENGTH && lexemes.size < limit) lexemes.add(lexeme);
  };
  const addToken = (token: string, hasCjk: boolean) => {
    if (lexemes.has(token)) return;
    if (hasCjk) {
      addWithCjkBigrams(token, add);
      return;
    }
    add(token);
    if (!hasJoiner(token)) return;
    let partStart = 0;
    for (let index = 0; index <= token.length; index++) {
      if (index === token.length || isJoiner(token.charCodeAt(index))) {
        if (index > partStart) add(token.slice(partStart, index));
        partStart = index + 1;
      }
    }
    // "example.com" out of "ann@example.com": the domain is what people type to find a company's mail.
    const at = token.lastIndexOf('@');
    if (at > 0) add(token.slice(at + 1));
  };

  let start = -1;
  let hasCjk = false;
  const length = folded.length;
  for (let index = 0; index <= length && lexemes.size < limit; index++) {
    const kind = index < length ? CHARACTER_KIND[folded.charCodeAt(index)]! : SEPARATOR;
    if (kind === WORD || kind === CJK_WORD) {
      if (start < 0) {
        start = index;
        hasCjk = false;
      }
      if (kind === CJK_WORD) hasCjk = true;
    } else if (start >= 0 && kind !== JOINER) {
      const token = withoutOuterJoiners(folded.slice(start, index));
      if (token !== '') addToken(token, hasCjk);
      start = -1;
    }
  }
  return [...lexemes];
}

/**
 * "émigré" → "emigre", "för" → "for": people search without accents, as in the big mail services.
 * Only marks of the Latin, Greek and Cyrillic range go; the marks of Japanese kana (dakuten) are of
 * another range and stay (both sides of a search fold the same way).
 */
function foldDiacritics(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const decomposed = text.normalize('NFD');
  return decomposed.length === text.length ? decomposed : decomposed.replace(COMBINING_DIACRITICS, '');
}

const SEPARATOR = 0;
const WORD = 1;
const JOINER = 2;
const CJK_WORD = 3;

/** The kind of every UTF-16 code unit, looked up once per character by searchLexemes(). */
const CHARACTER_KIND = new Uint8Array(0x10000);
for (let code = 0; code < 0x10000; code++) {
  CHARACTER_KIND[code] = isJoiner(code) ? JOINER : !isWordCharacter(code) ? SEPARATOR : isCjk(code) ? CJK_WORD : WORD;
}

/**
 * Letters, digits and combining marks of any script. Outside ASCII, everything counts except the
 * blocks of punctuation, symbols and spaces (Latin-1 signs, general punctuation, arrows and other
 * symbols, CJK and full-width punctuation) and surrogates (emoji).
 */
function isWordCharacter(code: number): boolean {
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  if (code <= 0xbf) return code === 0xaa || code === 0xb5 || code === 0xba;
  if (code === 0xd7 || code === 0xf7) return false;
  if (code >= 0x2000 && code <= 0x2bff) return false;
  if (code >= 0x3000 && code <= 0x303f) return code === 0x3005 || code === 0x3006 || code === 0x3007;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  if (code >= 0xfe30 && code <= 0xfe6f) return false;
  if (code >= 0xff00 && code <= 0xff65) return (code >= 0xff10 && code <= 0xff19) || (code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a);
  return code !== 0xfeff && code !== 0xfffd;
}

/** . _ @ + - ' ’ join letters into one compound token ("ann@example.com", "q3-report", "o'brien"). */
function isJoiner(code: number): boolean {
  return code === 0x2e || code === 0x5f || code === 0x40 || code === 0x2b || code === 0x2d || code === 0x27 || code === 0x2019;
}

function hasJoiner(token: string): boolean {
  for (let index = 0; index < token.length; index++) if (isJoiner(token.charCodeAt(index))) return true;
  return false;
}

/** "end." → "end", "-x-" → "x": joiners count only between letters or digits. */
function withoutOuterJoiners(piece: string): string {
  let start = 0;
  let end = piece.length;
  while (start < end && isJoiner(piece.charCodeAt(start))) start++;
  while (end > start && isJoiner(piece.charCodeAt(end - 1))) end--;
  return start === 0 && end === piece.length ? piece : piece.slice(start, end);
}

/** Han, kana (with the long-vowel mark) and Hangul: the scripts written without spaces between words. */
function isCjk(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0x1100 && code <= 0x11ff) ||
    (code >= 0x3130 && code <= 0x318f) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

/** A token with CJK in it: each CJK run becomes its overlapping character pairs, the rest words of their own. */
function addWithCjkBigrams(token: string, add: (lexeme: string) => void): void {
  let runStart = 0;
  let inCjk = isCjk(token.charCodeAt(0));
  for (let index = 1; index <= token.length; index++) {
    const cjk = index < token.length && isCjk(token.charCodeAt(index));
    if (index < token.length && cjk === inCjk) continue;
    const run = token.slice(runStart, index);
    if (inCjk) {
      if (run.length === 1) add(run);
      for (let pair = 0; pair + 1 < run.length; pair++) add(run.slice(pair, pair + 2));
    } else {
      for (const part of run.split(/[._@+\-'’]+/)) add(part);
    }
    runStart = index;
    inCjk = cjk;
  }
}

/** `'word' 'other'` — the text form of a tsvector without positions, for a `::tsvector` cast. */
export function tsvectorLiteral(lexemes: readonly string[]): string {
  return lexemes.map(quoteLexeme).join(' ');
}

/**
 * A tsquery matching messages that contain every word of what the user typed (AND), the last word
 * also as a prefix, so results narrow while typing. Null when the query has no searchable word.
 */
export function searchQueryLiteral(query: string): string | null {
  const lexemes = searchLexemes(query, 32);
  if (lexemes.length === 0) return null;
  return lexemes.map((lexeme, index) => quoteLexeme(lexeme) + (index === lexemes.length - 1 ? ':*' : '')).join(' & ');
}

function quoteLexeme(lexeme: string): string {
  // Inside a quoted lexeme only the quote and the backslash are special.
  return lexeme.includes("'") || lexeme.includes('\\') ? `'${lexeme.replace(/['\\]/g, (character) => `\\${character}`)}'` : `'${lexeme}'`;
}
