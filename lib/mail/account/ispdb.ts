import { z } from 'zod';
import type { TlsMode } from '@/lib/mail/transport';
import { HostPortError, normalizeHost } from './host-port';

/**
 * Reading Thunderbird autoconfig documents (`<clientConfig>`, the format of Mozilla's ISPDB and
 * of `https://autoconfig.<domain>/mail/config-v1.1.xml`) and building our built-in provider table.
 */

// ---------------------------------------------------------------------------------------------
// Provider table types

const tlsModeSchema = z.enum(['implicit', 'starttls', 'none']);

export const serverTemplateSchema = z.strictObject({
  /** May contain %EMAILDOMAIN%, which a few ISPs use for per-domain hosts. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  tls: tlsModeSchema,
  /** A template such as %EMAILADDRESS% or %EMAILLOCALPART%. */
  username: z.string(),
  /** Authentication methods as the ISPDB names them (password-cleartext, OAuth2, …). */
  auth: z.array(z.string()),
});

export type ServerTemplate = z.infer<typeof serverTemplateSchema>;

/** Keys the UI knows how to explain (enabling IMAP, app passwords); see the supplement file. */
export const providerHelpSchema = z.enum(['gmail', 'outlook', 'microsoft365', 'icloud', 'yahoo', 'aol']);
export type ProviderHelp = z.infer<typeof providerHelpSchema>;

export const providerEntrySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  domains: z.array(z.string().min(1)),
  imap: z.array(serverTemplateSchema).min(1),
  smtp: z.array(serverTemplateSchema).min(1),
  /** MX host suffixes that reveal a custom domain hosted here (e.g. mail.protection.outlook.com). */
  mxSuffixes: z.array(z.string().min(1)).optional(),
  help: providerHelpSchema.optional(),
});

export type ProviderEntry = z.infer<typeof providerEntrySchema>;

export const providerTableSchema = z.strictObject({
  generatedFrom: z.string(),
  providers: z.array(providerEntrySchema),
});

export type ProviderTable = z.infer<typeof providerTableSchema>;

/** What one `<clientConfig>` document says, IMAP and SMTP only, servers in document order. */
export interface ProviderConfig {
  id: string;
  name: string;
  domains: string[];
  imap: ServerTemplate[];
  smtp: ServerTemplate[];
}

// ---------------------------------------------------------------------------------------------
// Username / host templates

const PLACEHOLDER = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g;

/** Fills %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% from the address (split at its last "@"). */
export function applyUsernameTemplate(template: string, email: string): string {
  const at = email.lastIndexOf('@');
  const localPart = at === -1 ? email : email.slice(0, at);
  const domain = at === -1 ? '' : email.slice(at + 1);
  const values: Record<string, string> = {
    EMAILADDRESS: email,
    EMAILLOCALPART: localPart,
    EMAILDOMAIN: domain,
  };
  // A replacer function, because addresses may legally contain "$", which string replacements interpret.
  return template.replace(PLACEHOLDER, (_match, name: string) => values[name] ?? '');
}

// ---------------------------------------------------------------------------------------------
// A minimal XML reader
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

function childElements(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name);
}

function childText(parent: XmlElement, name: string): string | undefined {
  const child = parent.children.find((candidate) => candidate.name === name);
  return child === undefined ? undefined : collapseWhitespace(child.text);
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// <clientConfig>

/** Autoconfig documents are a few KB; anything far larger is not one. */
const MAX_CLIENT_CONFIG_CHARS = 1_000_000;

const SOCKET_TYPES: ReadonlyMap<string, TlsMode> = new Map([
  ['ssl', 'implicit'],
  ['starttls', 'starttls'],
  ['plain', 'none'],
]);

/**
 * Reads the IMAP and SMTP servers of a Thunderbird autoconfig document.
 * Returns null when the text is not well-formed XML or not a `<clientConfig>` with an
 * `<emailProvider>`; servers with unusable values are left out rather than failing the whole document.
 */
export function parseClientConfig(xml: string): ProviderConfig | null {
  if (xml.length > MAX_CLIENT_CONFIG_CHARS) {
    return null;
  }
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      return null;
    }
    throw error;
  }
  if (root.name !== 'clientConfig') {
    return null;
  }
  const provider = childElements(root, 'emailProvider')[0];
  if (provider === undefined) {
    return null;
  }

  const id = (provider.attributes.get('id') ?? '').trim();
  const name = childText(provider, 'displayName') || childText(provider, 'displayShortName') || id;
  const domains = unique(
    childElements(provider, 'domain')
      .map((element) => collapseWhitespace(element.text).toLowerCase())
      .filter((domain) => domain !== '' && !/\s/.test(domain)),
  );

  const serversOfType = (elementName: string, type: string): ServerTemplate[] =>
    childElements(provider, elementName)
      .filter((element) => element.attributes.get('type') === type)
      .map(readServer)
      .filter((server): server is ServerTemplate => server !== null);

  return {
    id,
    name,
    domains,
    imap: serversOfType('incomingServer', 'imap'),
    smtp: serversOfType('outgoingServer', 'smtp'),
  };
}

function readServer(element: XmlElement): ServerTemplate | null {
  const host = lowerCaseKeepingPlaceholders(childText(element, 'hostname') ?? '');
  const portText = childText(element, 'port') ?? '';
  const tls = SOCKET_TYPES.get((childText(element, 'socketType') ?? '').toLowerCase());
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (host === '' || !isPlausibleHostTemplate(host) || !(port >= 1 && port <= 65535) || tls === undefined) {
    return null;
  }
  return {
    host,
    port,
    tls,
    // Thunderbird falls back to the full address too when a server names no username.
    username: childText(element, 'username') || '%EMAILADDRESS%',
    auth: childElements(element, 'authentication')
      .map((auth) => collapseWhitespace(auth.text))
      .filter((auth) => auth !== ''),
  };
}

function lowerCaseKeepingPlaceholders(template: string): string {
  return template
    .toLowerCase()
    .replace(/%(emailaddress|emaillocalpart|emaildomain)%/g, (placeholder) => placeholder.toUpperCase());
}

/** The host must be a valid name once its placeholders are filled in. */
function isPlausibleHostTemplate(hostTemplate: string): boolean {
  try {
    normalizeHost(applyUsernameTemplate(hostTemplate, 'user@example.com'));
    return true;
  } catch (error) {
    if (error instanceof HostPortError) {
      return false;
    }
    throw error;
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------
// Building the built-in table

/** ISPDB marks inactive alternatives by a space in the file name ("example.com.xml alt"). */
export function isActiveIspdbFileName(fileName: string): boolean {
  return fileName.endsWith('.xml') && !fileName.includes(' ');
}

const providerOverrideSchema = z.strictObject({
  addDomains: z.array(z.string().min(1)).optional(),
  mxSuffixes: z.array(z.string().min(1)).optional(),
  help: providerHelpSchema.optional(),
});

export const providerSupplementSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Providers missing from the ISPDB, with documented settings. */
  providers: z.array(providerEntrySchema).default([]),
  /** Additions to ISPDB providers, keyed by provider id (the ISPDB file name without .xml). */
  overrides: z.record(z.string(), providerOverrideSchema).default({}),
});

export interface IspdbFile {
  fileName: string;
  xml: string;
}

export interface BuiltProviderTable {
  providers: ProviderEntry[];
  /** Files skipped and domains claimed twice, for the generator to print. */
  warnings: string[];
}

/**
 * Turns ISPDB files plus our hand-maintained supplement into the built-in table.
 * Provider ids are the file names without ".xml": unlike the documents' own ids they are
 * unique (all six regional Zoho files say id="zoho.com").
 */
export function buildProviderTable(files: IspdbFile[], supplementInput: unknown): BuiltProviderTable {
  const supplement = providerSupplementSchema.parse(supplementInput);
  const warnings: string[] = [];
  const byId = new Map<string, ProviderEntry>();

  for (const file of [...files].sort((a, b) => compareStrings(a.fileName, b.fileName))) {
    if (!isActiveIspdbFileName(file.fileName)) {
      warnings.push(`${file.fileName}: skipped (inactive alternative or not .xml)`);
      continue;
    }
    const config = parseClientConfig(file.xml);
    if (config === null) {
      warnings.push(`${file.fileName}: skipped (not a readable clientConfig document)`);
      continue;
    }
    if (config.imap.length === 0 || config.smtp.length === 0) {
      warnings.push(`${file.fileName}: skipped (no usable IMAP and SMTP server)`);
      continue;
    }
    const id = file.fileName.slice(0, -'.xml'.length).toLowerCase();
    byId.set(id, { id, name: config.name, domains: config.domains, imap: config.imap, smtp: config.smtp });
  }

  for (const extra of supplement.providers) {
    if (byId.has(extra.id)) {
      throw new Error(`Supplement provider "${extra.id}" already exists in the ISPDB; use an override instead.`);
    }
    byId.set(extra.id, extra);
  }

  for (const [id, override] of Object.entries(supplement.overrides)) {
    const entry = byId.get(id);
    if (entry === undefined) {
      throw new Error(`Supplement override for unknown provider "${id}".`);
    }
    entry.domains = unique([...entry.domains, ...(override.addDomains ?? []).map((d) => d.toLowerCase())]);
    if (override.mxSuffixes !== undefined) {
      entry.mxSuffixes = override.mxSuffixes.map((suffix) => suffix.toLowerCase());
    }
    if (override.help !== undefined) {
      entry.help = override.help;
    }
  }

  const providers = [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));

  // A domain must lead to one provider; the first in id order keeps it.
  const domainOwner = new Map<string, string>();
  for (const provider of providers) {
    provider.domains = provider.domains.filter((domain) => {
      const owner = domainOwner.get(domain);
      if (owner === undefined) {
        domainOwner.set(domain, provider.id);
        return true;
      }
      if (owner !== provider.id) {
        warnings.push(`${provider.id}: domain ${domain} already belongs to ${owner}; dropped here`);
      }
      return false;
    });
  }
  return { providers, warnings };
}

/** Locale-independent ordering, so the generated file is identical on every machine. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Serialises the table with one provider per line: small, yet a changed provider shows up
 * as a one-line diff.
 */
export function serializeProviderTable(table: ProviderTable): string {
  const lines = table.providers.map((provider) => `    ${JSON.stringify(provider)}`);
  return `{\n  "generatedFrom": ${JSON.stringify(table.generatedFrom)},\n  "providers": [\n${lines.join(',\n')}\n  ]\n}\n`;
}
