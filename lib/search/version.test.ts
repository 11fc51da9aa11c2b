import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { searchLexemes, tsvectorLiteral } from './tokens';
import { TOKENIZER_VERSION } from './version';

// Stored search vectors are this tokenizer's output; imported mail gets a tokenizer change only when
// TOKENIZER_VERSION moves (see lib/mail/sync reprocessing). This pins the words for a fixed corpus to
// the version: change them, and this fails until the version is bumped and the new fingerprint
// recorded below.
const RECORDED = { version: 1, sha256: '5e80edf31d620f30adbe27fbb56362220e5d8c48410def9e7cc9b0e347a3775b' };

const fixtures = path.resolve(import.meta.dirname, '../../tests/fixtures');

function corpus(): string[] {
  const inputs = [
    'Offer for ANN@Example.com: Q3-report v1.2',
    'Offert för våren, émigré — Привет, мой мир; 請求書 Q3売上 한국어 テキスト',
    'a'.repeat(150),
  ];
  const walk = (directory: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== 'LICENSE') inputs.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(fixtures, 'mime'));
  return inputs;
}

describe('TOKENIZER_VERSION', () => {
  it('is bumped whenever the search words of a text change', () => {
    const hash = crypto.createHash('sha256');
    for (const input of corpus()) hash.update(tsvectorLiteral(searchLexemes(input)));
    const fingerprint = hash.digest('hex');
    expect(
      { version: TOKENIZER_VERSION, sha256: fingerprint },
      'The words of lib/search changed: bump TOKENIZER_VERSION (version.ts), so imported mail is reprocessed, and record the new version and fingerprint in RECORDED here.',
    ).toEqual(RECORDED);
  });
});
