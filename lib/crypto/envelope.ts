import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption of secrets at rest (mailbox passwords, tokens) with AES-256-GCM.
 *
 * An envelope is one printable string, `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts),
 * so it fits a text column and names the key it needs: keys can be rotated by adding a new
 * current key and keeping the old ones as "previous" until everything is re-encrypted.
 */

export interface KeyringEntry {
  id: string;
  key: Buffer;
}

export interface Keyring {
  current: KeyringEntry;
  previous: KeyringEntry[];
}

export type EnvelopeErrorCode = 'malformed' | 'unsupported-version' | 'unknown-key' | 'not-authentic';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';

  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A key specification that cannot be used; the message names the part that is wrong but never the key. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

const ENVELOPE_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Key ids go into the envelope and into "id:key,id:key" specs, so they cannot contain . : or ,
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;

/**
 * Builds a keyring from configuration strings.
 * @param currentSpec `id:base64key`, the key new secrets are encrypted with.
 * @param previousSpec optional comma-separated `id:base64key` list of keys still accepted for decryption.
 */
export function parseKeyring(currentSpec: string, previousSpec?: string): Keyring {
  const current = parseKeySpec(currentSpec, 'The current key');
  const previous = (previousSpec ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, index) => parseKeySpec(part, `Previous key #${index + 1}`));

  const seen = new Set<string>([current.id]);
  for (const entry of previous) {
    if (seen.has(entry.id)) {
      throw new KeyringError(
        `Key id "${entry.id}" is used more than once; every key (current and previous) needs its own id.`,
      );
    }
    seen.add(entry.id);
  }
  return { current, previous };
}

function parseKeySpec(spec: string, label: string): KeyringEntry {
  const text = spec.trim();
  const separator = text.indexOf(':');
  if (text === '' || separator === -1) {
    throw new KeyringError(`${label} must have the form <id>:<base64 key>.`);
  }
  const id = text.slice(0, separator).trim();
  const encodedKey = text.slice(separator + 1).trim();
  if (!KEY_ID.test(id)) {
    throw new KeyringError(
      `${label} has an invalid id "${id}"; use 1–64 letters, digits, "_" or "-".`,
    );
  }
  const normalizedKey = encodedKey.replace(/-/g, '+').replace(/_/g, '/');
  if (encodedKey === '' || !BASE64.test(normalizedKey)) {
    throw new KeyringError(`${label} (id "${id}") is not valid base64.`);
  }
  const key = Buffer.from(normalizedKey, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new KeyringError(
      `${label} (id "${id}") must decode to ${KEY_BYTES} bytes, but decodes to ${key.length}.`,
    );
  }
  return { id, key };
}

/** Creates a fresh `id:base64key` spec, e.g. for a development .env file. */
export function generateKeySpec(id: string = defaultKeyId()): string {
  if (!KEY_ID.test(id)) {
    throw new KeyringError(`Invalid key id "${id}"; use 1–64 letters, digits, "_" or "-".`);
  }
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

function defaultKeyId(): string {
  // A date in the id tells operators at a glance how old a key is when rotating.
  return `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/**
 * Encrypts a secret with the current key.
 * @param aad optional associated data (e.g. the account id): the envelope then only decrypts
 *   with the same value, so a ciphertext copied to another row is useless. No aad and an
 *   empty string are the same.
 */
export function encryptSecret(plaintext: string, keyring: Keyring, aad?: string): string {
  const { id, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(id, aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENVELOPE_VERSION, id, toBase64Url(iv), toBase64Url(ciphertext), toBase64Url(tag)].join('.');
}

export function decryptSecret(envelope: string, keyring: Keyring, aad?: string): string {
  const parts = parseEnvelope(envelope);
  const entry = findKey(keyring, parts.keyId);
  if (entry === undefined) {
    throw new EnvelopeError(
      'unknown-key',
      `The secret was encrypted with key "${parts.keyId}", which is not in the keyring.`,
    );
  }
  const decipher = createDecipheriv(ALGORITHM, entry.key, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(parts.keyId, aad));
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new EnvelopeError(
      'not-authentic',
      'The secret could not be decrypted: it was altered, or the key or associated data do not match.',
    );
  }
}

/** True when the envelope is not under the current key, i.e. it should be re-encrypted after a rotation. */
export function needsReencryption(envelope: string, keyring: Keyring): boolean {
  return parseEnvelope(envelope).keyId !== keyring.current.id;
}

/** Decrypts with whichever key the envelope names and encrypts again with the current key. */
export function reencryptSecret(envelope: string, keyring: Keyring, aad?: string): string {
  return encryptSecret(decryptSecret(envelope, keyring, aad), keyring, aad);
}

interface EnvelopeParts {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parseEnvelope(envelope: string): EnvelopeParts {
  const parts = envelope.split('.');
  if (parts.length !== 5) {
    throw new EnvelopeError('malformed', 'The encrypted secret is malformed (expected 5 dot-separated parts).');
  }
  const [version = '', keyId = '', ivText = '', ciphertextText = '', tagText = ''] = parts;
  if (version !== ENVELOPE_VERSION) {
    throw new EnvelopeError('unsupported-version', `Unsupported encrypted secret version "${version}".`);
  }
  if (!KEY_ID.test(keyId)) {
    throw new EnvelopeError('malformed', 'The encrypted secret is malformed (bad key id).');
  }
  const iv = fromBase64Url(ivText, 'IV');
  const ciphertext = fromBase64Url(ciphertextText, 'ciphertext');
  const tag = fromBase64Url(tagText, 'tag');
  if (iv.length !== IV_BYTES) {
    throw new EnvelopeError('malformed', `The encrypted secret is malformed (IV must be ${IV_BYTES} bytes).`);
  }
  if (tag.length !== TAG_BYTES) {
    throw new EnvelopeError('malformed', `The encrypted secret is malformed (tag must be ${TAG_BYTES} bytes).`);
  }
  return { keyId, iv, ciphertext, tag };
}

function findKey(keyring: Keyring, id: string): KeyringEntry | undefined {
  if (keyring.current.id === id) {
    return keyring.current;
  }
  return keyring.previous.find((entry) => entry.id === id);
}

/**
 * The version and key id are authenticated along with the caller's data, so an envelope whose
 * header was edited fails to decrypt even if two ids happen to name the same key bytes.
 * A NUL separates them because key ids cannot contain one.
 */
function associatedData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${ENVELOPE_VERSION}.${keyId}\u0000${aad ?? ''}`, 'utf8');
}

function toBase64Url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function fromBase64Url(text: string, partName: string): Buffer {
  // Node's decoder silently skips unknown characters and unused trailing bits; insisting on the
  // canonical spelling means any edit to the text is reported instead of decoding to the same bytes.
  const bytes = Buffer.from(text, 'base64url');
  if (!BASE64URL.test(text) || bytes.toString('base64url') !== text) {
    throw new EnvelopeError('malformed', `The encrypted secret is malformed (${partName} is not base64url).`);
  }
  return bytes;
}
