import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

import type { TlsMode } from '@/lib/mail/transport';

export interface HostPort {
  host: string;
  port: number;
}

/** A server address the user typed that we cannot use; `message` is meant to be shown to them. */
export class HostPortError extends Error {
  override readonly name = 'HostPortError';
}

const MAX_HOST_NAME_LENGTH = 253;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS = /^\d+$/;
const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

export function defaultImapPort(tls: TlsMode): number {
  return tls === 'implicit' ? 993 : 143;
}

export function defaultSmtpPort(tls: TlsMode): number {
  // Port 25 is for server-to-server relay; clients submit on 587 whether or not it is upgraded.
  return tls === 'implicit' ? 465 : 587;
}

/**
 * Parses what a user typed into a "server" field: a host name, IPv4 or IPv6 address,
 * optionally followed by `:port` (IPv6 needs brackets to carry a port).
 */
export function parseHostPort(input: string, defaultPort: number): HostPort {
  const text = input.trim();
  if (text === '') {
    throw new HostPortError('Enter a server address, for example mail.example.com.');
  }
  if (SCHEME_PREFIX.test(text)) {
    throw new HostPortError(
      'Enter only the server name (for example mail.example.com), without a prefix such as imap://.',
    );
  }
  if (/\s/.test(text)) {
    throw new HostPortError('The server address must not contain spaces.');
  }

  if (text.startsWith('[')) {
    return parseBracketedIpv6(text, defaultPort);
  }
  if (text.includes(']')) {
    throw new HostPortError('The server address has a "]" without a matching "[".');
  }

  const colonCount = text.split(':').length - 1;
  if (colonCount > 1) {
    // Several colons can only be a bare IPv6 address, which cannot carry a port without brackets.
    return { host: normalizeIpv6(text), port: defaultPort };
  }
  if (colonCount === 1) {
    const separator = text.indexOf(':');
    return {
      host: normalizeHost(text.slice(0, separator)),
      port: parsePort(text.slice(separator + 1)),
    };
  }
  return { host: normalizeHost(text), port: defaultPort };
}

function parseBracketedIpv6(text: string, defaultPort: number): HostPort {
  const closing = text.indexOf(']');
  if (closing === -1) {
    throw new HostPortError('The server address has a "[" without a matching "]".');
  }
  const host = normalizeIpv6(text.slice(1, closing));
  const rest = text.slice(closing + 1);
  if (rest === '') {
    return { host, port: defaultPort };
  }
  if (!rest.startsWith(':')) {
    throw new HostPortError('After "]" only a port may follow, written as ":993".');
  }
  return { host, port: parsePort(rest.slice(1)) };
}

function normalizeIpv6(candidate: string): string {
  // Zone ids (fe80::1%eth0) name a local interface; they are meaningless for a remote mail server.
  if (candidate.includes('%') || !isIPv6(candidate)) {
    throw new HostPortError(`"${candidate}" is not a valid IPv6 address.`);
  }
  return candidate.toLowerCase();
}

function parsePort(text: string): number {
  if (text === '') {
    throw new HostPortError('The port is missing after ":".');
  }
  if (!ALL_DIGITS.test(text)) {
    throw new HostPortError(`The port "${text}" is not a number.`);
  }
  const port = Number(text);
  if (text.length > 5 || port < 1 || port > 65535) {
    throw new HostPortError(`The port ${text} is out of range; use a number from 1 to 65535.`);
  }
  return port;
}

/**
 * Validates a host name or IP address (no port) and returns its canonical form:
 * lower case, no trailing dot, international names in their ASCII (punycode) form.
 */
export function normalizeHost(input: string): string {
  const text = input.trim();
  if (text === '') {
    throw new HostPortError('Enter a server address, for example mail.example.com.');
  }
  if (isIPv4(text)) {
    return text;
  }
  if (text.includes(':')) {
    return normalizeIpv6(text);
  }
  // A single trailing dot is the fully qualified spelling of the same name.
  const withoutRootDot = text.endsWith('.') ? text.slice(0, -1) : text;
  const ascii = toAsciiHostName(withoutRootDot);
  const labels = ascii.split('.');
  if (ascii.length > MAX_HOST_NAME_LENGTH || !labels.every((label) => HOST_LABEL.test(label))) {
    throw new HostPortError(
      `"${text}" is not a valid server name; use letters, digits, hyphens and dots, e.g. mail.example.com.`,
    );
  }
  // Resolvers read all-numeric names such as 127.1 or 999.1.1.1 as (odd) IPv4 addresses;
  // no real top-level domain is numeric, so refuse them instead of guessing.
  if (ALL_DIGITS.test(labels[labels.length - 1] ?? '')) {
    throw new HostPortError(`"${text}" is not a valid IPv4 address.`);
  }
  return ascii;
}

function toAsciiHostName(name: string): string {
  if (/^[\x00-\x7f]*$/.test(name)) {
    return name.toLowerCase();
  }
  const ascii = domainToASCII(name);
  if (ascii === '') {
    throw new HostPortError(`"${name}" is not a valid server name.`);
  }
  return ascii;
}
