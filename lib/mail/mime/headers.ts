import { decodeUnlabelled } from './charset';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** Field names to read, matched against the raw bytes of a header block without making strings. */
export class FieldNames {
  private readonly byLength = new Map<number, string[]>();
  readonly longest: number;

  constructor(names: Iterable<string>) {
    let longest = 0;
    for (const name of names) {
      const lower = name.toLowerCase();
      this.byLength.set(lower.length, [...(this.byLength.get(lower.length) ?? []), lower]);
      longest = Math.max(longest, lower.length);
    }
    this.longest = longest;
  }

  /** The (lower-case) name spelled by `source[start, end)` in any case, or null. */
  match(source: Buffer, start: number, end: number): string | null {
    const candidates = this.byLength.get(end - start);
    if (candidates === undefined) return null;
    for (const candidate of candidates) {
      let index = 0;
      while (index < candidate.length && lowerCaseByte(source[start + index]!) === candidate.charCodeAt(index)) index++;
      if (index === candidate.length) return candidate;
    }
    return null;
  }
}

function lowerCaseByte(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

export interface HeaderBlock {
  /** The wanted fields by lower-case name: every value in order of appearance, as text (see fieldText). */
  fields: Map<string, string[]>;
  /** Where the body starts: after the empty line, or `end` when the block has none. */
  bodyStart: number;
}

/**
 * Reads the header block of the entity in `source[start, end)`: fields up to the first empty line
 * (CRLF or bare LF endings), continuation lines folded into the field before them, lines without a
 * colon (an mbox "From " line, garbage) skipped. Only the fields named in `wanted` are kept, so a
 * header of a million lines costs one pass and no memory.
 */
export function readHeaderBlock(source: Buffer, start: number, end: number, wanted: FieldNames): HeaderBlock {
  const fields = new Map<string, string[]>();
  let fieldName: string | null = null;
  let valueStart = 0;
  const finishField = (fieldEnd: number) => {
    if (fieldName === null) return;
    const value = fieldText(source, valueStart, fieldEnd);
    const values = fields.get(fieldName);
    if (values) values.push(value);
    else fields.set(fieldName, [value]);
    fieldName = null;
  };
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = source.indexOf(LF, lineStart);
    if (lineEnd === -1 || lineEnd >= end) lineEnd = end;
    const contentEnd = lineEnd > lineStart && source[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (contentEnd === lineStart) {
      finishField(lineStart);
      return { fields, bodyStart: Math.min(lineEnd + 1, end) };
    }
    const first = source[lineStart];
    // A line starting with whitespace continues the field before it, which then simply runs on; the
    // first line of a block has nothing to continue and is a field with stray indentation.
    if ((first !== SPACE && first !== TAB) || lineStart === start) {
      finishField(lineStart);
      let nameStart = lineStart;
      while (nameStart < contentEnd && (source[nameStart] === SPACE || source[nameStart] === TAB)) nameStart++;
      const nameLimit = Math.min(contentEnd, nameStart + wanted.longest + 1);
      let colon = nameStart;
      while (colon < nameLimit && source[colon] !== COLON) colon++;
      if (colon < nameLimit) {
        let nameEnd = colon;
        while (nameEnd > nameStart && (source[nameEnd - 1] === SPACE || source[nameEnd - 1] === TAB)) nameEnd--;
        fieldName = wanted.match(source, nameStart, nameEnd);
        valueStart = colon + 1;
      }
    }
    lineStart = lineEnd + 1;
  }
  finishField(end);
  return { fields, bodyStart: end };
}

/**
 * A field value as text: unfolded (each line break with the whitespace after it becomes one space,
 * as mail clients show it), trimmed, raw 8-bit bytes read as UTF-8 when valid, else windows-1252.
 * Encoded words are left for the caller: where they may stand depends on the field.
 */
export function fieldText(source: Buffer, start: number, end: number): string {
  while (start < end && isFoldingWhitespace(source[start]!)) start++;
  while (end > start && isFoldingWhitespace(source[end - 1]!)) end--;
  const latin1 = source.toString('latin1', start, end);
  const text = NON_ASCII.test(latin1) ? decodeUnlabelled(source.subarray(start, end)) : latin1;
  return text.includes('\n') || text.includes('\r') ? text.replace(/(?:\r?\n|\r)[ \t]*/g, ' ') : text;
}

const NON_ASCII = /[^\x00-\x7f]/;

function isFoldingWhitespace(byte: number): boolean {
  return byte === SPACE || byte === TAB || byte === CR || byte === LF;
}
