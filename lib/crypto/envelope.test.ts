import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  EnvelopeError,
  generateKeySpec,
  KeyringError,
  needsReencryption,
  parseKeyring,
  reencryptSecret,
  type EnvelopeErrorCode,
} from './envelope';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const keyC = randomBytes(32).toString('base64');

function expectEnvelopeError(action: () => unknown, code: EnvelopeErrorCode): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EnvelopeError);
  expect((caught as EnvelopeError).code).toBe(code);
}

/** Changes one character of one dot-separated part to another valid base64url character. */
function tamperPart(envelope: string, partIndex: number): string {
  const parts = envelope.split('.');
  const part = parts[partIndex] ?? '';
  // The first character of a base64url string always carries 6 data bits, so changing it changes the bytes.
  const replacement = part[0] === 'A' ? 'B' : 'A';
  parts[partIndex] = replacement + part.slice(1);
  return parts.join('.');
}

describe('parseKeyring', () => {
  it('parses a current key and a comma-separated list of previous keys', () => {
    const keyring = parseKeyring(`k2:${keyB}`, ` k1:${keyA} , k0:${keyC},`);
    expect(keyring.current.id).toBe('k2');
    expect(keyring.current.key).toEqual(Buffer.from(keyB, 'base64'));
    expect(keyring.previous.map((entry) => entry.id)).toEqual(['k1', 'k0']);
  });

  it('accepts url-safe base64 and no previous keys', () => {
    const urlSafe = Buffer.from(keyA, 'base64').toString('base64url');
    const keyring = parseKeyring(`main:${urlSafe}`);
    expect(keyring.current.key).toEqual(Buffer.from(keyA, 'base64'));
    expect(keyring.previous).toEqual([]);
  });

  it.each([
    ['', undefined, /The current key must have the form <id>:<base64 key>/],
    [keyA, undefined, /The current key must have the form/],
    [`:${keyA}`, undefined, /The current key has an invalid id ""/],
    [`bad.id:${keyA}`, undefined, /invalid id "bad.id"/],
    ['k1:not base64!', undefined, /The current key \(id "k1"\) is not valid base64/],
    [`k1:${randomBytes(16).toString('base64')}`, undefined, /must decode to 32 bytes, but decodes to 16/],
    [`k1:${keyA}`, `k0:${keyB},k9:${randomBytes(31).toString('base64')}`, /Previous key #2 \(id "k9"\) must decode to 32 bytes/],
    [`k1:${keyA}`, `k0:${keyB},oops`, /Previous key #2 must have the form/],
    [`k1:${keyA}`, `k1:${keyB}`, /Key id "k1" is used more than once/],
    [`k1:${keyA}`, `k0:${keyB},k0:${keyC}`, /Key id "k0" is used more than once/],
  ])('rejects current=%j previous=%j', (current, previous, message) => {
    expect(() => parseKeyring(current, previous)).toThrow(KeyringError);
    expect(() => parseKeyring(current, previous)).toThrow(message);
  });

  it('never puts key material into error messages', () => {
    const shortKey = randomBytes(16).toString('base64');
    let message = '';
    try {
      parseKeyring(`k1:${shortKey}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/decodes to 16/);
    expect(message).not.toContain(shortKey);
  });
});

describe('generateKeySpec', () => {
  it('produces a spec parseKeyring accepts', () => {
    const spec = generateKeySpec('dev');
    expect(spec).toMatch(/^dev:/);
    expect(parseKeyring(spec).current.key).toHaveLength(32);
    expect(generateKeySpec('dev')).not.toBe(spec);
  });

  it('defaults to a dated id', () => {
    expect(generateKeySpec()).toMatch(/^k\d{8}:/);
  });

  it('refuses ids that would break the envelope format', () => {
    expect(() => generateKeySpec('a.b')).toThrow(KeyringError);
  });
});

describe('encryptSecret / decryptSecret', () => {
  const keyring = parseKeyring(`k1:${keyA}`);

  it.each(['hunter2', '', 'pässwörd 🔐 with spaces', 'x'.repeat(10_000)])('round-trips %#', (secret) => {
    const envelope = encryptSecret(secret, keyring);
    expect(envelope).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    expect(decryptSecret(envelope, keyring)).toBe(secret);
  });

  it('uses a fresh IV every time', () => {
    expect(encryptSecret('same', keyring)).not.toBe(encryptSecret('same', keyring));
  });

  it('does not contain the plaintext', () => {
    expect(encryptSecret('hunter2hunter2', keyring)).not.toContain('hunter2');
  });

  it('binds to the associated data', () => {
    const envelope = encryptSecret('hunter2', keyring, 'account:42');
    expect(decryptSecret(envelope, keyring, 'account:42')).toBe('hunter2');
    expectEnvelopeError(() => decryptSecret(envelope, keyring, 'account:43'), 'not-authentic');
    expectEnvelopeError(() => decryptSecret(envelope, keyring), 'not-authentic');
    const withoutAad = encryptSecret('hunter2', keyring);
    expectEnvelopeError(() => decryptSecret(withoutAad, keyring, 'account:42'), 'not-authentic');
  });

  it.each([
    [2, 'IV'],
    [3, 'ciphertext'],
    [4, 'tag'],
  ])('detects a changed part %i (%s)', (partIndex) => {
    const envelope = encryptSecret('hunter2', keyring);
    expectEnvelopeError(() => decryptSecret(tamperPart(envelope, partIndex), keyring), 'not-authentic');
  });

  it('detects a flipped bit anywhere in the ciphertext', () => {
    const envelope = encryptSecret('a longer secret value', keyring);
    const parts = envelope.split('.');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
    for (let byte = 0; byte < ciphertext.length; byte += 1) {
      const flipped = Buffer.from(ciphertext);
      flipped[byte] = (flipped[byte] ?? 0) ^ 0x01;
      const tampered = [...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.');
      expectEnvelopeError(() => decryptSecret(tampered, keyring), 'not-authentic');
    }
  });

  it('detects a key id swapped to another key of the same bytes', () => {
    const twin = parseKeyring(`k1:${keyA}`, `k1copy:${keyA}`);
    const envelope = encryptSecret('hunter2', twin);
    const relabelled = envelope.replace(/^v1\.k1\./, 'v1.k1copy.');
    expectEnvelopeError(() => decryptSecret(relabelled, twin), 'not-authentic');
  });

  it('reports an unknown key id', () => {
    const other = parseKeyring(`k9:${keyB}`);
    const envelope = encryptSecret('hunter2', other);
    expectEnvelopeError(() => decryptSecret(envelope, keyring), 'unknown-key');
    expect(() => decryptSecret(envelope, keyring)).toThrow(/key "k9", which is not in the keyring/);
  });

  it('fails authentication with the right id but wrong key bytes', () => {
    const envelope = encryptSecret('hunter2', parseKeyring(`k1:${keyB}`));
    expectEnvelopeError(() => decryptSecret(envelope, keyring), 'not-authentic');
  });

  it.each([
    ['', 'malformed'],
    ['v1.k1.abc', 'malformed'],
    ['v1.k1.a.b.c.d', 'malformed'],
    ['v2.k1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA', 'unsupported-version'],
    ['v1.k1.AAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA', 'malformed'], // 9-byte IV
    ['v1.k1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAA', 'malformed'], // 12-byte tag
    ['v1.k1.AAAAAAAAAAAAAAAA.AA+A.AAAAAAAAAAAAAAAAAAAAAA', 'malformed'], // not base64url
    ['v1.k1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAB', 'malformed'], // non-canonical tail bits
    ['v1.k 1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA', 'malformed'],
    ['v1.k1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA', 'not-authentic'], // well-formed but forged
  ] as const)('rejects %j as %s', (envelope, code) => {
    expectEnvelopeError(() => decryptSecret(envelope, keyring), code);
  });
});

describe('key rotation', () => {
  it('decrypts old envelopes via previous keys and re-encrypts them under the current key', () => {
    const oldKeyring = parseKeyring(`k1:${keyA}`);
    const oldEnvelope = encryptSecret('hunter2', oldKeyring, 'account:7');
    expect(needsReencryption(oldEnvelope, oldKeyring)).toBe(false);

    const rotated = parseKeyring(`k2:${keyB}`, `k1:${keyA}`);
    expect(needsReencryption(oldEnvelope, rotated)).toBe(true);
    expect(decryptSecret(oldEnvelope, rotated, 'account:7')).toBe('hunter2');

    const fresh = reencryptSecret(oldEnvelope, rotated, 'account:7');
    expect(fresh.split('.')[1]).toBe('k2');
    expect(needsReencryption(fresh, rotated)).toBe(false);
    expect(decryptSecret(fresh, rotated, 'account:7')).toBe('hunter2');

    // Once the old key is dropped, only the re-encrypted envelope still opens.
    const retired = parseKeyring(`k2:${keyB}`);
    expect(decryptSecret(fresh, retired, 'account:7')).toBe('hunter2');
    expectEnvelopeError(() => decryptSecret(oldEnvelope, retired, 'account:7'), 'unknown-key');
  });

  it('refuses to judge a malformed envelope', () => {
    expectEnvelopeError(() => needsReencryption('garbage', parseKeyring(`k1:${keyA}`)), 'malformed');
  });
});
