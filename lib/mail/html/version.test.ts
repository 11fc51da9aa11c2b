import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from './sanitize';
import { dompurifyPayloads, h5scVectors } from './sanitize.test-safety-check';
import { htmlToPlainText } from './text';
import { SANITIZER_VERSION } from './version';

// Stored HTML is the sanitizer's output and the original is not kept, so mail already imported gets
// a sanitizer fix only when SANITIZER_VERSION moves (the reprocessing looks for older versions). This
// pins the output for a fixed corpus to the version: change the output, and this fails until the
// version is bumped and the new fingerprint recorded below.
const RECORDED = { version: 1, sha256: '16c7d90826ae1e9be8890345b761937c2865467bbf8224e69b13914f00ac394c' };

const mimeCorpus = path.resolve(import.meta.dirname, '../../../tests/fixtures/mime');

function corpus(): string[] {
  const inputs = [...dompurifyPayloads, ...h5scVectors].map((payload) => payload.html);
  const walk = (directory: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      // Whole message sources read as HTML: real-world markup, CSS, entities and junk in one.
      else if (entry.name !== 'LICENSE') inputs.push(fs.readFileSync(full, 'latin1'));
    }
  };
  walk(mimeCorpus);
  return inputs;
}

describe('SANITIZER_VERSION', () => {
  it('is bumped whenever the sanitized HTML or the text of HTML changes', () => {
    const hash = crypto.createHash('sha256');
    for (const input of corpus()) {
      const sanitized = sanitizeMailHtml(input, { cidUrl: (contentId) => `/attachments/${contentId}` });
      hash.update(JSON.stringify([sanitized.html, sanitized.blockedRemoteImages, sanitized.hasRemoteContent, htmlToPlainText(input)]));
    }
    const fingerprint = hash.digest('hex');
    expect(
      { version: SANITIZER_VERSION, sha256: fingerprint },
      'The output of lib/mail/html changed: bump SANITIZER_VERSION (version.ts), so imported mail is reprocessed, and record the new version and fingerprint in RECORDED here.',
    ).toEqual(RECORDED);
  });
});
