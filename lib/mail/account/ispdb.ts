import { z } from 'zod';
import type { TlsMode } from '@/lib/mail/transport';
import { HostPortError, normalizeHost } from './host-port';
import {
  applyUsernameTemplate,
  providerEntrySchema,
  providerHelpSchema,
  type ProviderEntry,
  type ProviderTable,
  type ServerTemplate,
} from './provider-schema';
import { childElements, childText, collapseWhitespace, parseXml, XmlSyntaxError, type XmlElement } from './xml-reader';

/**
 * Reading Thunderbird autoconfig documents (`<clientConfig>`, the format of Mozilla's ISPDB and
 * of `https://autoconfig.<domain>/mail/config-v1.1.xml`) and building our built-in provider table.
 */

/** What one `<clientConfig>` document says, IMAP and SMTP only, servers in document order. */
export interface ProviderConfig {
  id: string;
  name: string;
  domains: string[];
  imap: ServerTemplate[];
  smtp: ServerTemplate[];
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
