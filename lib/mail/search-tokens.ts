/**
 * The words a message is found by. The importer turns each message's searchable text into a
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
 *  - Latin letters lose their diacritics ("émigré" → "emigre", "för" → "for"), as in the search of
 *    the big mail services: people type without them;
 *  - Chinese, Japanese and Korean are written without spaces: a run of those characters becomes
 *    its overlapping pairs of characters (bigrams), so any word of two or more characters inside
 *    the run is found by its own pairs.
 * Positions are not stored: results are listed by date, not ranked, and phrase search is not offered.
 */

/** Longer tokens are noise (base64 leftovers, long URLs) and Postgres caps a lexeme at 2 KB. */
const MAX_TOKEN_LENGTH = 100;
/** Bounds the tsvector of a huge message (Postgres refuses one over 1 MB). */
const MAX_LEXEMES = 20_000;

/** One token: a letter/digit run, possibly joined into a compound by . _ @ + - ' between such runs. */
const TOKEN = /[\p{L}\p{N}\p{M}]+(?:[._@+\-'’][\p{L}\p{N}\p{M}]+)*/gu;
const SEPARATORS = /[._@+\-'’]+/u;
const CJK_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+/gu;

/** The distinct lexemes of `text`, in first-seen order. */
export function searchLexemes(text: string, limit = MAX_LEXEMES): string[] {
  const lexemes = new Set<string>();
  const add = (lexeme: string) => {
    if (lexeme.length > 0 && lexeme.length <= MAX_TOKEN_LENGTH && lexemes.size < limit) lexemes.add(lexeme);
  };
  for (const match of text.toLowerCase().matchAll(TOKEN)) {
    if (lexemes.size >= limit) break;
    let token = match[0];
    if (CJK_CHARACTER.test(token)) {
      addWithCjkBigrams(token, add);
      continue;
    }
    token = foldLatinDiacritics(token);
    add(token);
    if (SEPARATORS.test(token)) {
      for (const part of token.split(SEPARATORS)) add(part);
      // "example.com" out of "ann@example.com": the domain is what people type to find a company's mail.
      const at = token.lastIndexOf('@');
      if (at > 0) add(token.slice(at + 1));
    }
  }
  return [...lexemes];
}

function addWithCjkBigrams(token: string, add: (lexeme: string) => void): void {
  let last = 0;
  for (const run of token.matchAll(CJK_RUN)) {
    const start = run.index;
    // Latin or digits glued to the CJK run ("Q3売上") are words of their own.
    for (const part of token.slice(last, start).split(SEPARATORS)) add(part);
    last = start + run[0].length;
    const characters = Array.from(run[0]);
    if (characters.length === 1) add(characters[0]!);
    for (let index = 0; index + 1 < characters.length; index++) add(characters[index]! + characters[index + 1]!);
  }
  for (const part of token.slice(last).split(SEPARATORS)) add(part);
}

const LATIN_TOKEN = /^[\p{Script=Latin}\p{N}\p{M}._@+\-'’]+$/u;
const NON_ASCII = /[^\x00-\x7f]/;

function foldLatinDiacritics(token: string): string {
  if (!NON_ASCII.test(token) || !LATIN_TOKEN.test(token)) return token;
  return token.normalize('NFKD').replace(/\p{M}/gu, '');
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
  return `'${lexeme.replace(/['\\]/g, (character) => `\\${character}`)}'`;
}
