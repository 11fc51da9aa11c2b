import { domainToUnicode } from 'node:url';
import { decodeEncodedWords, encodedWordEnd } from './encoded-words';

export interface MailAddress {
  name: string;
  address: string;
}

type Token =
  | { kind: 'word'; text: string; quoted: boolean; spaceBefore: boolean }
  | { kind: 'comment'; text: string }
  | { kind: 'angle'; text: string }
  | { kind: 'comma' | 'semicolon' | 'colon' };

/**
 * The mailboxes of an address header (From, To, Cc, Bcc, Reply-To), groups flattened into their
 * members. Follows RFC 5322 where the header does and guesses the way mail clients do where it does
 * not: bare addresses, names without quotes, an address without angle brackets after a name, a comment
 * as the name, `;` as a separator, "Doe, John <j@example.com>" with its comma unquoted. Encoded words
 * are decoded in names only: RFC 2047 keeps them out of addresses, and one that decodes to something
 * other than a plain address there is dropped rather than trusted.
 */
export function parseAddressList(text: string): MailAddress[] {
  const tokens = tokenize(text);
  const addresses: MailAddress[] = [];
  let listStart = 0;
  let mailbox: Token[] = [];
  let hasAngle = false;
  // Where the words after the mailbox's <address> begin: "Ann <a@x> Bob <b@x>" is two mailboxes.
  let afterAngle = -1;
  let inGroup = false;
  const finishMailbox = (tokenCount = mailbox.length) => {
    if (tokenCount > 0) addresses.push(mailboxOf(mailbox.slice(0, tokenCount)));
    mailbox = mailbox.slice(tokenCount);
    hasAngle = false;
    afterAngle = -1;
  };
  const finishList = () => {
    mergeUnquotedCommaNames(addresses, listStart);
    listStart = addresses.length;
  };
  for (const token of tokens) {
    if (token.kind === 'comma' || (token.kind === 'semicolon' && !inGroup)) {
      finishMailbox();
    } else if (token.kind === 'colon' && !inGroup) {
      // The words so far name a group; the group's name is not an address of anyone.
      mailbox = [];
      hasAngle = false;
      afterAngle = -1;
      finishList();
      inGroup = true;
    } else if (token.kind === 'semicolon') {
      finishMailbox();
      finishList();
      inGroup = false;
    } else if (token.kind === 'angle') {
      if (hasAngle) finishMailbox(afterAngle === -1 ? mailbox.length : afterAngle);
      mailbox.push(token);
      hasAngle = true;
    } else if (token.kind !== 'colon') {
      if (hasAngle && afterAngle === -1 && token.kind === 'word') afterAngle = mailbox.length;
      mailbox.push(token);
    }
  }
  finishMailbox();
  finishList();
  return addresses.filter((address) => address.name !== '' || address.address !== '');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  let spaceBefore = false;
  const length = text.length;
  while (position < length) {
    const code = text.charCodeAt(position);
    if (code === SPACE || code === TAB || code === CR || code === LF) {
      spaceBefore = true;
      position++;
      continue;
    }
    if (code === QUOTE) {
      const { value, end } = readQuoted(text, position + 1);
      tokens.push({ kind: 'word', text: value, quoted: true, spaceBefore });
      position = end;
    } else if (code === OPEN_PARENTHESIS) {
      const { value, end } = readComment(text, position);
      tokens.push({ kind: 'comment', text: value.trim() });
      position = end;
    } else if (code === LESS_THAN) {
      const close = text.indexOf('>', position + 1);
      const end = close === -1 ? length : close;
      tokens.push({ kind: 'angle', text: text.slice(position + 1, end) });
      position = end + 1;
    } else if (code === COMMA || code === SEMICOLON || code === COLON) {
      tokens.push({ kind: code === COMMA ? 'comma' : code === SEMICOLON ? 'semicolon' : 'colon' });
      position++;
    } else {
      let end = position;
      while (end < length) {
        const wordCode = text.charCodeAt(end);
        // An encoded word is one atom even when its text holds a ":" or "," (which RFC 2047 forbids).
        const encodedEnd = wordCode === EQUALS ? encodedWordEnd(text, end) : -1;
        if (encodedEnd !== -1) end = encodedEnd;
        else if (endsWord(wordCode)) break;
        else end++;
      }
      tokens.push({ kind: 'word', text: text.slice(position, end), quoted: false, spaceBefore });
      position = end;
    }
    spaceBefore = false;
  }
  return tokens;
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_PARENTHESIS = 0x28;
const CLOSE_PARENTHESIS = 0x29;
const LESS_THAN = 0x3c;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const COLON = 0x3a;
const EQUALS = 0x3d;

function endsWord(code: number): boolean {
  return code === SPACE || code === TAB || code === CR || code === LF || code === QUOTE || code === OPEN_PARENTHESIS
    || code === LESS_THAN || code === COMMA || code === SEMICOLON || code === COLON;
}

/** A quoted string's content from `start` (after the opening quote), escapes resolved; an unclosed one runs to the end. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let copiedFrom = start;
  for (let position = start; position < text.length; position++) {
    const code = text.charCodeAt(position);
    if (code === QUOTE) return { value: value + text.slice(copiedFrom, position), end: position + 1 };
    if (code === BACKSLASH && position + 1 < text.length) {
      value += text.slice(copiedFrom, position);
      copiedFrom = ++position;
    }
  }
  return { value: value + text.slice(copiedFrom), end: text.length };
}

/** A comment, nested comments included; an unclosed one runs to the end. */
function readComment(text: string, start: number): { value: string; end: number } {
  let depth = 0;
  let value = '';
  let copiedFrom = start + 1;
  for (let position = start; position < text.length; position++) {
    const code = text.charCodeAt(position);
    if (code === BACKSLASH && position + 1 < text.length) {
      value += text.slice(copiedFrom, position);
      copiedFrom = ++position;
    } else if (code === OPEN_PARENTHESIS) {
      depth++;
    } else if (code === CLOSE_PARENTHESIS && --depth === 0) {
      return { value: value + text.slice(copiedFrom, position), end: position + 1 };
    }
  }
  return { value: value + text.slice(copiedFrom), end: text.length };
}

const STRICT_ADDRESS = /^[^@\s]+@[^@\s]+$/;

function mailboxOf(tokens: readonly Token[]): MailAddress {
  const words: Array<Extract<Token, { kind: 'word' }>> = [];
  const comments: string[] = [];
  const angles: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'word') words.push(token);
    else if (token.kind === 'comment') comments.push(token.text);
    else if (token.kind === 'angle') angles.push(token.text);
  }
  let address = '';
  if (angles.length > 0) {
    // "Name <Other <addr@x>": what follows the last "<" is the address, as Apple Mail reads it.
    const angle = angles[0]!;
    address = angle.slice(angle.lastIndexOf('<') + 1).trim();
  } else {
    address = takeUnbracketedAddress(words);
  }
  let name = joinWords(words);
  if (name === '' && comments.length > 0) name = comments.join(' ').trim();
  if (address === '' && name.includes('@') && STRICT_ADDRESS.test(name)) {
    address = name;
    name = '';
  }
  if (name === address) name = '';
  return { name: decodeEncodedWords(name).trim(), address: cleanAddress(address) };
}

/**
 * An address written without angle brackets: the last unquoted word that looks like one, else the
 * address-like core of the last unquoted word holding an "@". Quoted words never count: the "@" in
 * `"ann@example.com via Forum" <forum@example.org>` names nobody.
 */
function takeUnbracketedAddress(words: Array<Extract<Token, { kind: 'word' }>>): string {
  for (let index = words.length - 1; index >= 0; index--) {
    const word = words[index]!;
    if (!word.quoted && STRICT_ADDRESS.test(word.text)) {
      words.splice(index, 1);
      return word.text;
    }
  }
  for (let index = words.length - 1; index >= 0; index--) {
    const word = words[index]!;
    if (word.quoted) continue;
    const core = /[\p{L}\p{N}_][^@\s]*@\S*[\p{L}\p{N}_]/u.exec(word.text);
    if (core !== null) {
      const rest = (word.text.slice(0, core.index) + word.text.slice(core.index + core[0].length)).trim();
      if (rest === '') words.splice(index, 1);
      else words[index] = { ...word, text: rest };
      return core[0];
    }
  }
  return '';
}

function joinWords(words: ReadonlyArray<Extract<Token, { kind: 'word' }>>): string {
  let joined = '';
  for (const word of words) {
    if (joined !== '' && word.spaceBefore) joined += ' ';
    joined += word.text;
  }
  return joined.trim();
}

function cleanAddress(address: string): string {
  if (address.includes('=?')) {
    // RFC 2047 forbids encoded words in an address; accept one only if it decodes to a plain address.
    // "=?" that starts no encoded word is just two characters a local part may hold ("x=?a@b.c").
    const decoded = decodeEncodedWords(address);
    if (decoded !== address) address = STRICT_ADDRESS.test(decoded) && !decoded.includes('=?') ? decoded : '';
  }
  const at = address.lastIndexOf('@');
  if (at !== -1 && address.includes('xn--', at)) {
    const domain = domainToUnicode(address.slice(at + 1));
    if (domain !== '') address = `${address.slice(0, at + 1)}${domain}`;
  }
  return address;
}

/**
 * "Doe, John <john@example.com>" with the comma unquoted splits into a bare name and a mailbox;
 * mail clients read it as one mailbox named "Doe, John", and so does this.
 */
function mergeUnquotedCommaNames(addresses: MailAddress[], listStart: number): void {
  let nameOnly = listStart;
  while (nameOnly < addresses.length - 1 && (addresses[nameOnly]!.address !== '' || addresses[nameOnly]!.name === '')) nameOnly++;
  if (nameOnly >= addresses.length - 1) return;
  // Built backwards into a new list: splicing merged entries out in place is quadratic on a hostile list.
  const reversed: MailAddress[] = [];
  for (let index = addresses.length - 1; index >= listStart; index--) {
    const current = addresses[index]!;
    const next = reversed.at(-1);
    if (next !== undefined && current.address === '' && current.name !== '' && next.address !== '' && next.name !== '') {
      next.name = `${current.name}, ${next.name}`;
    } else {
      reversed.push(current);
    }
  }
  addresses.length = listStart;
  for (let index = reversed.length - 1; index >= 0; index--) addresses.push(reversed[index]!);
}
