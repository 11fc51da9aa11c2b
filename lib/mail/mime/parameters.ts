import { decodeCharset } from './charset';
import { decodeEncodedWords } from './encoded-words';
import { hexByteAt } from './transfer';

export interface ParameterizedValue {
  /** The part before the first `;`, comments and quotes removed, trimmed (case kept). */
  value: string;
  /** Parameters by lower-case name, RFC 2231 continuations assembled and decoded, encoded words decoded. */
  params: Map<string, string>;
}

/**
 * Parses `value; name=token; name="quoted \"string\""; name*0*=utf-8''%E2%82%AC; …`. Lenient like
 * mail readers: unquoted values may hold spaces (`filename=my file.pdf`), junk after a closing quote
 * is ignored, a parameter given twice keeps its first value, and a comment may stand wherever a
 * token does not continue (`boundary=b (comment)` names the boundary `b`).
 */
export function parseParameterizedValue(text: string): ParameterizedValue {
  const scanner = new ParameterScanner(text);
  const value = scanner.readMainValue();
  const plain = new Map<string, string>();
  const continued = new Map<string, Map<number, ContinuationSegment>>();
  for (let parameter = scanner.readParameter(); parameter !== null; parameter = scanner.readParameter()) {
    // No real parameter name is long; a hostile one must not cost the expression quadratic time.
    const extended = parameter.name.length <= MAX_NAME_LENGTH ? RFC2231_NAME.exec(parameter.name) : null;
    if (extended === null) {
      if (!plain.has(parameter.name)) plain.set(parameter.name, parameter.value);
      continue;
    }
    const [, baseName = '', index, encodedMark] = extended;
    const segments = continued.get(baseName) ?? new Map<number, ContinuationSegment>();
    const segmentIndex = index === undefined ? 0 : Number(index);
    if (!segments.has(segmentIndex)) {
      // `name*` on its own is always percent-encoded; `name*N*` is, `name*N` is not.
      segments.set(segmentIndex, { index: segmentIndex, encoded: index === undefined || encodedMark !== undefined, value: parameter.value });
    }
    continued.set(baseName, segments);
  }
  const params = new Map<string, string>();
  for (const [name, raw] of plain) params.set(name, decodeEncodedWords(raw));
  // The RFC 2231 form wins over a plain parameter of the same name: the plain one is its ASCII fallback.
  for (const [name, segments] of continued) params.set(name, assembleContinuation([...segments.values()]));
  return { value, params };
}

/** `name*` (percent-encoded), `name*N` (a continuation), `name*N*` (an encoded continuation). */
const RFC2231_NAME = /^(.*?)\*(?:(\d{1,4})(\*)?)?$/;
const MAX_NAME_LENGTH = 100;

interface ContinuationSegment {
  index: number;
  encoded: boolean;
  value: string;
}

function assembleContinuation(segments: ContinuationSegment[]): string {
  segments.sort((left, right) => left.index - right.index);
  if (!segments.some((segment) => segment.encoded)) return decodeEncodedWords(segments.map((segment) => segment.value).join(''));
  let charset = 'utf-8';
  const chunks: Buffer[] = [];
  segments.forEach((segment, position) => {
    let value = segment.value;
    if (position === 0 && segment.encoded) {
      // charset'language'value; the language is of no use here.
      const languageQuote = /^([^']*)'[^']*'/.exec(value);
      if (languageQuote !== null) {
        charset = languageQuote[1] || charset;
        value = value.slice(languageQuote[0].length);
      }
    }
    chunks.push(segment.encoded ? percentDecode(value) : Buffer.from(value, 'utf8'));
  });
  return decodeCharset(Buffer.concat(chunks), charset);
}

function percentDecode(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (!value.includes('%')) return bytes;
  const decoded = Buffer.allocUnsafe(bytes.length);
  let written = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    const escaped = byte === PERCENT ? hexByteAt(bytes, index + 1) : -1;
    if (escaped !== -1) {
      decoded[written++] = escaped;
      index += 2;
    } else {
      decoded[written++] = byte;
    }
  }
  return decoded.subarray(0, written);
}

const PERCENT = 0x25;

function isWhitespace(character: string): boolean {
  return character === ' ' || character === '\t' || character === '\r' || character === '\n';
}

class ParameterScanner {
  private position = 0;
  /** Set once a "(" was found never to close: looking again for every later "(" would be quadratic. */
  private commentsUnclosable = false;

  constructor(private readonly text: string) {}

  readMainValue(): string {
    let value = '';
    while (this.position < this.text.length) {
      const character = this.text[this.position]!;
      if (character === ';') break;
      if (character === '(' && this.skipComment()) continue;
      if (character !== '"') value += character;
      this.position++;
    }
    return value.trim();
  }

  /** The next `name=value` (or valueless `name`), or null at the end. */
  readParameter(): { name: string; value: string } | null {
    const text = this.text;
    while (this.position < text.length && (text[this.position] === ';' || isWhitespace(text[this.position]!))) this.position++;
    if (this.position >= text.length) return null;
    let name = '';
    while (this.position < text.length) {
      const character = text[this.position]!;
      if (character === '=' || character === ';') break;
      if (character === '(' && this.skipComment()) continue;
      name += character;
      this.position++;
    }
    name = name.trim().toLowerCase();
    if (text[this.position] !== '=') return { name, value: '' };
    this.position++;
    return { name, value: this.readParameterValue() };
  }

  private readParameterValue(): string {
    const text = this.text;
    let value = '';
    // Whether a "(" would continue the token (`filename=Invoice(1).pdf`) rather than open a comment.
    let tokenOpen = true;
    let quoted = false;
    let quoteClosed = false;
    // A quote opens a quoted string only where the value has not begun yet (leading whitespace aside).
    let valueBegun = false;
    while (this.position < text.length) {
      const character = text[this.position]!;
      if (quoted) {
        if (character === '\\' && this.position + 1 < text.length) {
          value += text[this.position + 1];
          this.position += 2;
          continue;
        }
        if (character === '"') {
          quoted = false;
          quoteClosed = true;
        } else {
          value += character;
        }
        this.position++;
        continue;
      }
      if (character === ';') break;
      if (quoteClosed) {
        // A value is a token or a quoted string; what follows the closing quote is junk.
        this.position++;
        continue;
      }
      if (character === '"' && !valueBegun) {
        quoted = true;
        value = '';
      } else if (character === '(' && !tokenOpen && this.skipComment()) {
        continue;
      } else {
        value += character;
        tokenOpen = !isWhitespace(character);
        valueBegun ||= tokenOpen;
      }
      this.position++;
    }
    return quoteClosed || quoted ? value : value.trim();
  }

  /** Skips the comment opening at the current position; false (nothing skipped) when it never closes. */
  private skipComment(): boolean {
    if (this.commentsUnclosable) return false;
    const text = this.text;
    let depth = 0;
    for (let index = this.position; index < text.length; index++) {
      const character = text[index];
      if (character === '\\') index++;
      else if (character === '(') depth++;
      else if (character === ')' && --depth === 0) {
        this.position = index + 1;
        return true;
      }
    }
    this.commentsUnclosable = true;
    return false;
  }
}
