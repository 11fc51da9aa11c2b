import { isIP } from 'node:net';
import { HostPortError, normalizeHost } from './host-port';

export interface ParsedEmailAddress {
  /** The address with its domain in lower-case ASCII (punycode) form. */
  address: string;
  localPart: string;
  domain: string;
}

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// Deliberately simple: printable characters without the ones that delimit addresses.
// Quoted local parts ("john doe"@example.com) are legal but too rare to be worth the risk.
const LOCAL_PART = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+$/;

/** A sane-enough address check: one "@", a plausible local part, and a dotted host-name domain. */
export function parseEmailAddress(input: string): ParsedEmailAddress | null {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || text.length > MAX_ADDRESS_LENGTH) {
    return null;
  }
  const localPart = text.slice(0, at);
  const domainText = text.slice(at + 1);
  if (localPart.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(localPart)) {
    return null;
  }
  if (localPart.startsWith('.') || localPart.endsWith('.') || localPart.includes('..')) {
    return null;
  }
  if (domainText.endsWith('.') || isIP(domainText) !== 0) {
    return null;
  }
  let domain: string;
  try {
    domain = normalizeHost(domainText);
  } catch (error) {
    if (error instanceof HostPortError) {
      return null;
    }
    throw error;
  }
  if (!domain.includes('.') || isIP(domain) !== 0) {
    return null;
  }
  return { address: `${localPart}@${domain}`, localPart, domain };
}
