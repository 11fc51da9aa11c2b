import { promises as dnsPromises } from 'node:dns';
import { isIP, isIPv4, isIPv6 } from 'node:net';

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
// Classification

interface Ipv4Range {
  base: number;
  prefixLength: number;
  addressClass: AddressClass;
}

function ipv4Range(cidr: string, addressClass: AddressClass): Ipv4Range {
  const [base = '', prefix = '32'] = cidr.split('/');
  const value = parseIpv4(base);
  if (value === null) {
    throw new Error(`Bad built-in IPv4 range ${cidr}`);
  }
  return { base: value, prefixLength: Number(prefix), addressClass };
}

// Most specific first: the first matching range decides.
const IPV4_RANGES: readonly Ipv4Range[] = [
  ipv4Range('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OpenStack …
  ipv4Range('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  ipv4Range('0.0.0.0/8', 'unspecified'), // "this network"; 0.0.0.0 reaches localhost on Linux
  ipv4Range('10.0.0.0/8', 'private'),
  ipv4Range('100.64.0.0/10', 'cgnat'),
  ipv4Range('127.0.0.0/8', 'loopback'),
  ipv4Range('169.254.0.0/16', 'link-local'),
  ipv4Range('172.16.0.0/12', 'private'),
  ipv4Range('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  ipv4Range('192.0.2.0/24', 'reserved'), // documentation (TEST-NET-1)
  ipv4Range('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  ipv4Range('192.168.0.0/16', 'private'),
  ipv4Range('198.18.0.0/15', 'reserved'), // benchmarking
  ipv4Range('198.51.100.0/24', 'reserved'), // documentation (TEST-NET-2)
  ipv4Range('203.0.113.0/24', 'reserved'), // documentation (TEST-NET-3)
  ipv4Range('224.0.0.0/4', 'multicast'),
  ipv4Range('240.0.0.0/4', 'reserved'), // future use, including 255.255.255.255 broadcast
];

export function classifyAddress(ip: string): AddressClass {
  if (isIPv4(ip)) {
    const value = parseIpv4(ip);
    return value === null ? 'invalid' : classifyIpv4(value);
  }
  if (isIPv6(ip)) {
    const bytes = parseIpv6(ip);
    return bytes === null ? 'invalid' : classifyIpv6(bytes);
  }
  return 'invalid';
}

function classifyIpv4(value: number): AddressClass {
  for (const range of IPV4_RANGES) {
    if (prefixMatches(value, range.base, range.prefixLength)) {
      return range.addressClass;
    }
  }
  return 'public';
}

function prefixMatches(value: number, base: number, prefixLength: number): boolean {
  if (prefixLength === 0) {
    return true;
  }
  const mask = (0xffffffff << (32 - prefixLength)) >>> 0;
  return ((value & mask) >>> 0) === ((base & mask) >>> 0);
}

/** Strict dotted-quad parser; returns the address as an unsigned 32-bit number. */
function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) {
    return null;
  }
  let value = 0;
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) {
      return null;
    }
    const octet = Number(part);
    if (octet > 255) {
      return null;
    }
    value = value * 256 + octet;
  }
  return value;
}

/** Expands any valid IPv6 spelling (::, embedded dotted IPv4, zone id) into 16 bytes. */
function parseIpv6(text: string): Uint8Array | null {
  const zoneStart = text.indexOf('%');
  let rest = zoneStart === -1 ? text : text.slice(0, zoneStart);

  // A dotted IPv4 tail ("::ffff:1.2.3.4") stands for the last two 16-bit words.
  const ipv4Words: number[] = [];
  const lastColon = rest.lastIndexOf(':');
  const lastPart = rest.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    const embedded = parseIpv4(lastPart);
    if (embedded === null) {
      return null;
    }
    ipv4Words.push(Math.floor(embedded / 0x10000), embedded % 0x10000);
    rest = rest.slice(0, lastColon + 1);
    if (!rest.endsWith('::')) {
      rest = rest.slice(0, -1);
    }
  }

  const halves = rest.split('::');
  if (halves.length > 2) {
    return null;
  }
  const head = parseHexWords(halves[0] ?? '');
  const tail = halves.length === 2 ? parseHexWords(halves[1] ?? '') : [];
  if (head === null || tail === null) {
    return null;
  }
  (halves.length === 2 ? tail : head).push(...ipv4Words);

  const explicitCount = head.length + tail.length;
  const isCompressed = halves.length === 2;
  if (isCompressed ? explicitCount > 7 : explicitCount !== 8) {
    return null;
  }
  const words = [...head, ...new Array<number>(8 - explicitCount).fill(0), ...tail];

  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

function parseHexWords(part: string): number[] | null {
  if (part === '') {
    return [];
  }
  const words: number[] = [];
  for (const group of part.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) {
      return null;
    }
    words.push(parseInt(group, 16));
  }
  return words;
}

function bytesStartWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value);
}

function ipv4At(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] ?? 0) * 2 ** 24) +
    ((bytes[offset + 1] ?? 0) << 16) +
    ((bytes[offset + 2] ?? 0) << 8) +
    (bytes[offset + 3] ?? 0)
  );
}

const FIRST_TEN_ZERO_BYTES = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

function classifyIpv6(bytes: Uint8Array): AddressClass {
  const first = bytes[0] ?? 0;
  const second = bytes[1] ?? 0;

  if (bytes.every((value) => value === 0)) {
    return 'unspecified';
  }
  if (bytesStartWith(bytes, [...FIRST_TEN_ZERO_BYTES, 0, 0, 0, 0, 0]) && bytes[15] === 1) {
    return 'loopback';
  }
  // IPv4-mapped ::ffff:a.b.c.d is how dual-stack sockets spell an IPv4 peer.
  if (bytesStartWith(bytes, [...FIRST_TEN_ZERO_BYTES, 0xff, 0xff])) {
    return classifyIpv4(ipv4At(bytes, 12));
  }
  // IPv4-compatible ::a.b.c.d is deprecated; no legitimate server uses it, but stacks that
  // still honour it would reach the embedded host, so an embedded private address stays private.
  if (bytesStartWith(bytes, [...FIRST_TEN_ZERO_BYTES, 0, 0])) {
    const embedded = classifyIpv4(ipv4At(bytes, 12));
    return embedded === 'public' ? 'reserved' : embedded;
  }
  // SIIT IPv4-translated ::ffff:0:a.b.c.d
  if (bytesStartWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0])) {
    return classifyIpv4(ipv4At(bytes, 12));
  }
  // NAT64 well-known prefix 64:ff9b::/96 forwards to the embedded IPv4 address.
  if (bytesStartWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) {
    return classifyIpv4(ipv4At(bytes, 12));
  }
  // NAT64 local-use prefix 64:ff9b:1::/48 only exists inside a private network.
  if (bytesStartWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 1])) {
    return 'private';
  }
  // 6to4 2002:a.b.c.d::/48 tunnels to the embedded IPv4 address.
  if (first === 0x20 && second === 0x02) {
    return classifyIpv4(ipv4At(bytes, 2));
  }
  if (bytesStartWith(bytes, [0xfd, 0x00, 0x0e, 0xc2]) && isAwsIpv6Metadata(bytes)) {
    return 'metadata';
  }
  if (first === 0x20 && second === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) {
    return 'reserved'; // 2001:db8::/32 documentation
  }
  if (first === 0x20 && second === 0x01 && (bytes[2] ?? 0) < 0x02) {
    return 'reserved'; // 2001::/23 IETF protocol assignments: Teredo, benchmarking, ORCHID …
  }
  if (first === 0x3f && second === 0xff && ((bytes[2] ?? 0) & 0xf0) === 0) {
    return 'reserved'; // 3fff::/20 documentation
  }
  if ((first & 0xfe) === 0xfc) {
    return 'unique-local'; // fc00::/7
  }
  if (first === 0xfe && (second & 0xc0) === 0x80) {
    return 'link-local'; // fe80::/10
  }
  if (first === 0xfe && (second & 0xc0) === 0xc0) {
    return 'private'; // fec0::/10, deprecated site-local
  }
  if (first === 0xff) {
    return 'multicast';
  }
  // Only 2000::/3 is handed out as global unicast; everything else (100::/64 discard,
  // unassigned space) has no business being a mail server.
  if ((first & 0xe0) === 0x20) {
    return 'public';
  }
  return 'reserved';
}

function isAwsIpv6Metadata(bytes: Uint8Array): boolean {
  // fd00:ec2::254
  return (
    bytesStartWith(bytes, [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) &&
    bytes[14] === 0x02 &&
    bytes[15] === 0x54
  );
}
