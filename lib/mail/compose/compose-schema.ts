import { z } from 'zod';

/**
 * What the composer accepts, shared by the server (validation before sending) and the browser
 * (pointing out unrecognised recipients as they are typed). No server-only imports here.
 */

export interface MailAddress {
  /** Display name, or '' when only the address was given. */
  name: string;
  address: string;
}

export interface ParsedAddressList {
  addresses: MailAddress[];
  /** The entries (as typed, trimmed) that are not an address, to show back to the user. */
  invalid: string[];
}

/** RFC 5322 limits a header line to 998 characters; a longer subject cannot be sent as typed. */
export const MAX_SUBJECT_LENGTH = 998;
/** Far above any typed message; keeps a pasted novel from tying up the SMTP connection. */
export const MAX_BODY_LENGTH = 500_000;

// Local part: RFC 5322 dot-atom (quoted local parts are legal but in practice only ever typos).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Letters and digits of any script, so internationalised domains can be typed as people write them.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL_DOMAIN = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_ADDRESS_LENGTH = 254;

/** Whether `address` is a plain addr-spec a mail server will take: `local@domain.tld`. */
export function isValidEmailAddress(address: string): boolean {
  if (address.length > MAX_ADDRESS_LENGTH) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const localPart = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  const topLevel = labels[labels.length - 1] ?? '';
  return (
    localPart.length <= MAX_LOCAL_PART_LENGTH &&
    LOCAL_PART.test(localPart) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL_DOMAIN.test(topLevel)
  );
}

/**
 * Splits what a user typed into a To/Cc/Bcc field at commas and semicolons (Outlook users type the
 * latter), except inside "quoted names" and <angle brackets>, so `"Ek, Bo" <bo@example.com>` stays whole.
 */
function splitAddressList(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let inQuotes = false;
  let inAngleBrackets = false;
  for (let index = 0; index < text.length; index++) {
    const character = text.charAt(index);
    if (inQuotes && character === '\\' && index + 1 < text.length) {
      current += character + text.charAt(index + 1);
      index++;
      continue;
    }
    if (character === '"' && !inAngleBrackets) inQuotes = !inQuotes;
    else if (character === '<' && !inQuotes) inAngleBrackets = true;
    else if (character === '>' && !inQuotes) inAngleBrackets = false;
    else if ((character === ',' || character === ';') && !inQuotes && !inAngleBrackets) {
      entries.push(current);
      current = '';
      continue;
    }
    current += character;
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

const NAME_AND_ADDRESS = /^([^<]*)<([^<>]*)>$/;
const QUOTED_NAME = /^"((?:[^"\\]|\\.)*)"$/;

/** The display name without its quotes; null for a stray quote, which would otherwise reach the header as typed. */
function readName(typed: string): string | null {
  const trimmed = typed.trim();
  if (!trimmed.includes('"')) return trimmed;
  const quoted = QUOTED_NAME.exec(trimmed);
  return quoted ? (quoted[1] ?? '').replace(/\\(.)/g, '$1').trim() : null;
}

function parseEntry(entry: string): MailAddress | null {
  const withName = NAME_AND_ADDRESS.exec(entry);
  const name = withName ? readName(withName[1] ?? '') : '';
  const address = (withName ? (withName[2] ?? '') : entry).trim();
  return name !== null && isValidEmailAddress(address) ? { name, address } : null;
}

/** Parses a To/Cc/Bcc field: `ann@example.com, Bo Ek <bo@example.com>; "Ek, Cy" <cy@example.com>`. */
export function parseAddressList(text: string): ParsedAddressList {
  const addresses: MailAddress[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const entry of splitAddressList(text)) {
    const parsed = parseEntry(entry);
    if (!parsed) {
      invalid.push(entry);
      continue;
    }
    const key = parsed.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    addresses.push(parsed);
  }
  return { addresses, invalid };
}

const addressListField = z
  .string()
  .default('')
  .transform((text, context) => {
    const { addresses, invalid } = parseAddressList(text);
    if (invalid.length > 0) context.addIssue({ code: 'custom', message: 'compose.invalidAddresses', input: text });
    return addresses;
  });

/** Header fields are single lines: a pasted line break must not start a new header. */
const singleLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

export const composeSchema = z
  .object({
    to: addressListField,
    cc: addressListField,
    bcc: addressListField,
    subject: z.string().default('').transform(singleLine).pipe(z.string().max(MAX_SUBJECT_LENGTH, 'compose.subjectTooLong')),
    body: z
      .string()
      .default('')
      .transform((text) => text.replace(/\r\n?/g, '\n'))
      .pipe(z.string().max(MAX_BODY_LENGTH, 'compose.bodyTooLong')),
  })
  .superRefine((message, context) => {
    if (message.to.length + message.cc.length + message.bcc.length === 0) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'compose.recipientRequired', input: message.to });
    }
  });

/** A validated message, ready for sendMail. */
export type ComposedMessage = z.output<typeof composeSchema>;

const archiveRecordIds = z.array(z.uuid('invalidValue')).max(50, 'invalidValue').default([]);

/** "Send and archive": the CRM records the sent message is archived to, and who sees the document. */
export const archiveOnSendSchema = z.object({
  companyIds: archiveRecordIds,
  contactIds: archiveRecordIds,
  projectIds: archiveRecordIds,
  saleIds: archiveRecordIds,
  visibility: z.enum(['everyone', 'only_me']).default('everyone'),
});
export type ArchiveOnSendRequest = z.output<typeof archiveOnSendSchema>;
