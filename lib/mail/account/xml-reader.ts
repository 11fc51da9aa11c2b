// A minimal XML reader for Thunderbird autoconfig documents (`<clientConfig>`).
//
// Autoconfig documents use a tiny part of XML: elements, attributes, text, comments, CDATA,
// the five predefined entities and character references. This reader handles exactly that and
// refuses everything else (DTD internal subsets, unknown entities, mismatched tags) rather than
// guessing, which also keeps entity-expansion tricks out.

export interface XmlElement {
  name: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), without that of its children. */
  text: string;
}

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';

  constructor(message: string, position: number) {
    super(`${message} (at offset ${position})`);
  }
}

const MAX_XML_DEPTH = 64;
const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:.-]/;
const PREDEFINED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

export function parseXml(xml: string): XmlElement {
  return new XmlReader(xml).readDocument();
}

class XmlReader {
  private position = 0;

  constructor(private readonly source: string) {}

  readDocument(): XmlElement {
    const stack: XmlElement[] = [];
    let root: XmlElement | null = null;
    const src = this.source;

    // A byte order mark may precede the declaration.
    if (src.charCodeAt(0) === 0xfeff) {
      this.position = 1;
    }

    while (this.position < src.length) {
      const current = stack[stack.length - 1];
      if (src.startsWith('<!--', this.position)) {
        this.position = this.indexAfter('-->', this.position + 4, 'Unterminated comment');
      } else if (src.startsWith('<![CDATA[', this.position)) {
        const start = this.position + 9;
        this.position = this.indexAfter(']]>', start, 'Unterminated CDATA section');
        if (current === undefined) {
          throw new XmlSyntaxError('CDATA outside the root element', start);
        }
        current.text += src.slice(start, this.position - 3);
      } else if (src.startsWith('<?', this.position)) {
        this.position = this.indexAfter('?>', this.position + 2, 'Unterminated processing instruction');
      } else if (src.startsWith('<!DOCTYPE', this.position)) {
        const end = src.indexOf('>', this.position);
        if (end === -1 || src.slice(this.position, end).includes('[')) {
          throw new XmlSyntaxError('Document type declarations with a subset are not supported', this.position);
        }
        this.position = end + 1;
      } else if (src.startsWith('</', this.position)) {
        const closed = this.readClosingTag();
        if (current === undefined || current.name !== closed) {
          throw new XmlSyntaxError(`Unexpected closing tag </${closed}>`, this.position);
        }
        stack.pop();
      } else if (src[this.position] === '<') {
        if (root !== null && stack.length === 0) {
          throw new XmlSyntaxError('More than one root element', this.position);
        }
        const { element, selfClosing } = this.readOpeningTag();
        if (current === undefined) {
          root = element;
        } else {
          current.children.push(element);
        }
        if (!selfClosing) {
          stack.push(element);
          if (stack.length > MAX_XML_DEPTH) {
            throw new XmlSyntaxError('Elements are nested too deeply', this.position);
          }
        }
      } else {
        const start = this.position;
        const next = src.indexOf('<', start);
        this.position = next === -1 ? src.length : next;
        const text = this.decodeEntities(src.slice(start, this.position), start);
        if (current !== undefined) {
          current.text += text;
        } else if (text.trim() !== '') {
          throw new XmlSyntaxError('Text outside the root element', start);
        }
      }
    }

    const unclosed = stack[stack.length - 1];
    if (unclosed !== undefined) {
      throw new XmlSyntaxError(`Element <${unclosed.name}> is not closed`, this.position);
    }
    if (root === null) {
      throw new XmlSyntaxError('No root element', this.position);
    }
    return root;
  }

  private indexAfter(terminator: string, from: number, errorMessage: string): number {
    const index = this.source.indexOf(terminator, from);
    if (index === -1) {
      throw new XmlSyntaxError(errorMessage, from);
    }
    return index + terminator.length;
  }

  private readName(): string {
    const src = this.source;
    const start = this.position;
    if (!NAME_START.test(src[start] ?? '')) {
      throw new XmlSyntaxError('Expected a name', start);
    }
    let end = start + 1;
    while (end < src.length && NAME_CHAR.test(src[end] ?? '')) {
      end += 1;
    }
    this.position = end;
    return src.slice(start, end);
  }

  private skipWhitespace(): boolean {
    const start = this.position;
    while (/\s/.test(this.source[this.position] ?? '')) {
      this.position += 1;
    }
    return this.position > start;
  }

  private readClosingTag(): string {
    this.position += 2;
    const name = this.readName();
    this.skipWhitespace();
    if (this.source[this.position] !== '>') {
      throw new XmlSyntaxError(`Malformed closing tag </${name}`, this.position);
    }
    this.position += 1;
    return name;
  }

  private readOpeningTag(): { element: XmlElement; selfClosing: boolean } {
    const src = this.source;
    this.position += 1;
    const name = this.readName();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadWhitespace = this.skipWhitespace();
      if (src.startsWith('/>', this.position)) {
        this.position += 2;
        return { element: { name, attributes, children: [], text: '' }, selfClosing: true };
      }
      if (src[this.position] === '>') {
        this.position += 1;
        return { element: { name, attributes, children: [], text: '' }, selfClosing: false };
      }
      if (!hadWhitespace) {
        throw new XmlSyntaxError(`Malformed tag <${name}>`, this.position);
      }
      const attributeName = this.readName();
      this.skipWhitespace();
      if (src[this.position] !== '=') {
        throw new XmlSyntaxError(`Attribute ${attributeName} has no value`, this.position);
      }
      this.position += 1;
      this.skipWhitespace();
      const quote = src[this.position];
      if (quote !== '"' && quote !== "'") {
        throw new XmlSyntaxError(`Attribute ${attributeName} value is not quoted`, this.position);
      }
      const valueStart = this.position + 1;
      const valueEnd = src.indexOf(quote, valueStart);
      if (valueEnd === -1) {
        throw new XmlSyntaxError(`Unterminated value of attribute ${attributeName}`, valueStart);
      }
      const rawValue = src.slice(valueStart, valueEnd);
      if (rawValue.includes('<')) {
        throw new XmlSyntaxError(`"<" in the value of attribute ${attributeName}`, valueStart);
      }
      if (attributes.has(attributeName)) {
        throw new XmlSyntaxError(`Duplicate attribute ${attributeName}`, this.position);
      }
      attributes.set(attributeName, this.decodeEntities(rawValue, valueStart));
      this.position = valueEnd + 1;
    }
  }

  private decodeEntities(raw: string, offset: number): string {
    if (!raw.includes('&')) {
      return raw;
    }
    return raw.replace(/&([^;&\s]*);?/g, (match, body: string, index: number) => {
      if (!match.endsWith(';')) {
        throw new XmlSyntaxError('Unescaped "&"', offset + index);
      }
      const predefined = PREDEFINED_ENTITIES.get(body);
      if (predefined !== undefined) {
        return predefined;
      }
      const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(body);
      if (numeric !== null) {
        const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
        const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
        if (codePoint > 0 && codePoint <= 0x10ffff && !isSurrogate) {
          return String.fromCodePoint(codePoint);
        }
      }
      throw new XmlSyntaxError(`Unknown entity &${body};`, offset + index);
    });
  }
}

export function childElements(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name);
}

export function childText(parent: XmlElement, name: string): string | undefined {
  const child = parent.children.find((candidate) => candidate.name === name);
  return child === undefined ? undefined : collapseWhitespace(child.text);
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
