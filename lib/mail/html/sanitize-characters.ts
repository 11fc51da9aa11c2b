// Character-level helpers: escaping that leaves "<" only where a tag starts, and names and
// whitespace read the way the browser reads them.

const HTML_WHITESPACE = /^[\t\n\f\r ]*$/;
export const SOLIDUS = 0x2f;
export const AMPERSAND = 0x26;
export const SEMICOLON = 0x3b;
export const EQUALS_SIGN = 0x3d;
/** Longer than any named character reference ("&CounterClockwiseContourIntegral;"). */
export const LONGEST_REFERENCE_NAME = 40;

export function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

export function isHtmlWhitespace(text: string): boolean {
  return HTML_WHITESPACE.test(text);
}

/** Tag and attribute names are case-insensitive for ASCII letters only. */
export function asciiLowerCase(name: string): string {
  // Names are short and nearly always lowercase already: a plain scan beats a regex test here.
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code >= 0x41 && code <= 0x5a) return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  }
  return name;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\u00a0': '&nbsp;',
  // A literal CR (from "&#13;") would reach the browser as LF: its input stream turns every CR into
  // one. Written as a reference it stays what the sanitizer read, so sanitizing again changes nothing.
  '\r': '&#13;',
};

function escapeCharacter(character: string): string {
  return ESCAPES[character] ?? character;
}

/**
 * Text and attribute values escape < and > as well (HTML does not require it in attributes): the
 * output then contains "<" only where a tag starts, which revealRemoteImages relies on. Most text
 * needs no escaping, and a few vectorized includes() find that out faster than one regex test.
 */
export function escapeText(text: string): string {
  if (!text.includes('&') && !text.includes('<') && !text.includes('>') && !text.includes('\u00a0') && !text.includes('\r')) return text;
  return text.replace(/[&<>\u00a0\r]/g, escapeCharacter);
}

export function escapeAttribute(value: string): string {
  if (!value.includes('&') && !value.includes('<') && !value.includes('>') && !value.includes('"') && !value.includes('\u00a0') && !value.includes('\r')) {
    return value;
  }
  return value.replace(/[&<>"\u00a0\r]/g, escapeCharacter);
}
