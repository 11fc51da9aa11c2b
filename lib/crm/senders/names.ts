import { parse } from 'tldts';

/** Surname particles that belong to the last name: "Ludwig van Beethoven", "Sofia af Klint". */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'du', 'la', 'le', 'af', 'av', 'ten', 'ter', 'zu']);

const capitalise = (word: string) => (word ? word.charAt(0).toLocaleUpperCase() + word.slice(1) : word);

/**
 * A person's first and last name from a mail header: `"Doe, John"` and `Doe, John` (the directory
 * order of Outlook) turn around, quotes and a trailing "(Acme)" go, one word is a first name, and
 * with no usable name the address's local part is split at dots, dashes and underscores
 * ("john.doe@" → John Doe). Only a proposal: the user sees and edits it before anything is saved.
 */
export function splitDisplayName(displayName: string, address = ''): { firstName: string; lastName: string } {
  let name = displayName
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(["'`]+)(.*)\1$/, '$2')
    .replace(/\s*\([^)]*\)\s*$/, '')
    .replace(/^["'`]+|["'`]+$/g, '')
    .trim();
  // Some senders put their address in the name field; it says nothing more.
  if (name.includes('@')) name = '';
  if (name) {
    const comma = name.indexOf(',');
    if (comma > 0 && name.indexOf(',', comma + 1) < 0) {
      const last = name.slice(0, comma).trim();
      const first = name.slice(comma + 1).trim();
      if (last && first) return { firstName: first, lastName: last };
      name = last || first;
    }
    const words = name.split(' ').filter(Boolean);
    if (words.length === 1) return { firstName: words[0]!, lastName: '' };
    let lastStart = words.length - 1;
    while (lastStart > 1 && PARTICLES.has(words[lastStart - 1]!.toLowerCase())) lastStart--;
    return { firstName: words.slice(0, lastStart).join(' '), lastName: words.slice(lastStart).join(' ') };
  }
  const local = address.split('@')[0]!.replace(/\+.*$/, '');
  const parts = local.split(/[._-]+/).filter(Boolean).map(capitalise);
  if (parts.length === 0) return { firstName: '', lastName: '' };
  if (parts.length === 1) return { firstName: parts[0]!, lastName: '' };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1)! };
}

/** The domain of an address, lower-case ("" when there is none). */
export function domainOfAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

/**
 * A company name proposed from a mail domain: the registrable name without its public suffix and
 * subdomains, words split at dashes and capitalised ("mail.acme-corp.co.uk" → "Acme Corp"). Empty
 * when the domain has no such name (an IP literal, "localhost").
 */
export function companyNameFromDomain(domain: string): string {
  const parsed = parse(domain.trim().toLowerCase().replace(/^@/, ''));
  const base = parsed.domainWithoutSuffix ?? '';
  if (!base || parsed.isIp) return '';
  return base.split(/[-_]+/).filter(Boolean).map(capitalise).join(' ');
}
