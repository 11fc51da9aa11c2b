import { promises as dnsPromises } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Guards outgoing connections to mail servers the user typed in (or that autodetection found),
 * so the app cannot be used to reach loopback services, the private network or cloud metadata.
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'metadata'
  | 'reserved'
  | 'invalid';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type AddressLookup = (host: string) => Promise<ResolvedAddress[]>;

export interface ResolveMailHostOptions {
  /** For self-hosted setups and tests whose mail server lives on loopback or the LAN. */
  allowPrivate: boolean;
  lookup?: AddressLookup;
}

/** Shown to users for every refusal alike, so the answer does not reveal what lives where. */
export const MAIL_HOST_REFUSED_MESSAGE = 'This mail server address is not allowed.';

export class MailHostRefusedError extends Error {
  override readonly name = 'MailHostRefusedError';
  /** Why it was refused, for server logs only (non-enumerable, so it does not leak through JSON). */
  declare readonly reason: AddressClass;
  declare readonly refusedAddress: string;

  constructor(reason: AddressClass, refusedAddress: string) {
    super(MAIL_HOST_REFUSED_MESSAGE);
    Object.defineProperty(this, 'reason', { value: reason, enumerable: false });
    Object.defineProperty(this, 'refusedAddress', { value: refusedAddress, enumerable: false });
  }
}

export class MailHostNotFoundError extends Error {
  override readonly name = 'MailHostNotFoundError';

  constructor(host: string, options?: { cause?: unknown }) {
    super(`The mail server "${host}" could not be found.`, options);
  }
}

/** Classes that can never be a mail server, so they are refused even when private networks are allowed. */
const NEVER_ALLOWED: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'invalid',
  'metadata',
  'unspecified',
  'multicast',
]);

/**
 * Resolves a mail host name and returns the one address the caller must connect to.
 * Connecting to this exact address (instead of resolving again) keeps a DNS answer that
 * changes between check and use (DNS rebinding) from sneaking past the check.
 */
export async function resolveMailHost(
  host: string,
  options: ResolveMailHostOptions,
): Promise<ResolvedAddress> {
  const bareHost = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;

  let candidates: ResolvedAddress[];
  const literalFamily = isIP(bareHost);
  if (literalFamily === 4 || literalFamily === 6) {
    candidates = [{ address: bareHost, family: literalFamily }];
  } else {
    const lookup = options.lookup ?? lookupAllAddresses;
    try {
      candidates = await lookup(bareHost);
    } catch (error) {
      throw new MailHostNotFoundError(host, { cause: error });
    }
    if (candidates.length === 0) {
      throw new MailHostNotFoundError(host);
    }
  }

  // Every address is checked, not just the chosen one: a name that also points inside is
  // suspicious on its own, and the OS might otherwise pick another address later.
  for (const candidate of candidates) {
    const addressClass = classifyAddress(candidate.address);
    const allowed =
      addressClass === 'public' || (options.allowPrivate && !NEVER_ALLOWED.has(addressClass));
    if (!allowed) {
      throw new MailHostRefusedError(addressClass, candidate.address);
    }
  }
  const chosen = candidates[0];
  if (chosen === undefined) {
    throw new MailHostNotFoundError(host);
  }
  return { address: chosen.address, family: isIPv6(chosen.address) ? 6 : 4 };
}

async function lookupAllAddresses(host: string): Promise<ResolvedAddress[]> {
  const results = await dnsPromises.lookup(host, { all: true, verbatim: true });
  return results.map((result) => ({
    address: result.address,
    family: result.family === 6 ? 6 : 4,
  }));
}

// ---------------------------------------------------------------------------------------------
// Classification, on ipaddr.js's table of special ranges. What it leaves to us: cloud metadata
// addresses, which ranges may be a mail server at all, and the IPv6 forms that carry an IPv4
// address (mapped, IPv4-compatible, SIIT, NAT64, 6to4, Teredo), which are judged by the address
// they lead to, so a tunnel cannot smuggle a private address past the check.

const IPV4_METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack …
  '100.100.100.200', // Alibaba Cloud
];

const IPV4_CLASSES: Readonly<Record<string, AddressClass>> = {
  unspecified: 'unspecified', // "this network"; 0.0.0.0 reaches localhost on Linux
  broadcast: 'reserved',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'cgnat',
  private: 'private',
  unicast: 'public',
};

const IPV6_CLASSES: Readonly<Record<string, AddressClass>> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'private',
};

export function classifyAddress(ip: string): AddressClass {
  // Only the spellings Node itself connects to: ipaddr.js also reads inet_aton's forms ("127.1",
  // "0x7f.0.0.1"), which no resolver returns and which must not slip through as something else.
  if (!isIP(ip)) return 'invalid';
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(isIPv6(ip) ? canonicalIpv6(ip) : ip);
  } catch {
    return 'invalid';
  }
  return address.kind() === 'ipv4' ? classifyIpv4(address as ipaddr.IPv4) : classifyIpv6(address as ipaddr.IPv6);
}

/**
 * The WHATWG URL parser's spelling of an IPv6 address, without its zone id (which says which
 * interface, not which host). ipaddr.js reads an IPv4-compatible tail ("::8.8.8.8") as if it were
 * IPv4-mapped ("::ffff:8.8.8.8"); the canonical hex form ("::808:808") is read right.
 */
function canonicalIpv6(ip: string): string {
  const withoutZone = ip.split('%')[0] ?? ip;
  return new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
}

function classifyIpv4(address: ipaddr.IPv4): AddressClass {
  if (IPV4_METADATA_ADDRESSES.includes(address.toString())) return 'metadata';
  // Everything else special (documentation, benchmarking, future use, AS112, AMT …) is reserved.
  return IPV4_CLASSES[address.range()] ?? 'reserved';
}

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return ipaddr.IPv4.parse(`${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`);
}

function classifyIpv6(address: ipaddr.IPv6): AddressClass {
  const words = address.parts as [number, number, number, number, number, number, number, number];
  const range = address.range();
  if (isAwsIpv6Metadata(words)) return 'metadata';
  switch (range) {
    case 'ipv4Mapped':
      return classifyIpv4(address.toIPv4Address());
    case 'rfc6145': // SIIT IPv4-translated ::ffff:0:a.b.c.d
      return classifyIpv4(ipv4From(words[6], words[7]));
    case 'rfc6052':
      // 64:ff9b::/96 forwards to the embedded address; the local-use 64:ff9b:1::/48 exists only inside a private network.
      return words[2] === 1 ? 'private' : classifyIpv4(ipv4From(words[6], words[7]));
    case '6to4':
      return classifyIpv4(ipv4From(words[1], words[2]));
    case 'teredo': {
      // The client's address is stored inverted. A Teredo peer is never where a mail server lives,
      // so even a public one is refused; an embedded private one says so.
      const client = classifyIpv4(ipv4From(~words[6] & 0xffff, ~words[7] & 0xffff));
      return client === 'public' ? 'reserved' : client;
    }
    case 'unicast':
      break;
    default:
      return IPV6_CLASSES[range] ?? 'reserved';
  }
  // IPv4-compatible ::a.b.c.d is deprecated; no legitimate server uses it, but stacks that still
  // honour it would reach the embedded host, so an embedded private address stays private.
  if (words.slice(0, 6).every((word) => word === 0)) {
    const embedded = classifyIpv4(ipv4From(words[6], words[7]));
    return embedded === 'public' ? 'reserved' : embedded;
  }
  // Only 2000::/3 is handed out as global unicast; unassigned space has no business being a mail server.
  return (words[0] & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

function isAwsIpv6Metadata(words: readonly number[]): boolean {
  // fd00:ec2::254
  return words[0] === 0xfd00 && words[1] === 0x0ec2 && words.slice(2, 7).every((word) => word === 0) && words[7] === 0x254;
}
