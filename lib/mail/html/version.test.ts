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
const RECORDED = { version: 2, sha256: '0adca113d8825114beca551b8118ae9151b38ecf592da90ea943482e5074d28e' };

const mimeCorpus = path.resolve(import.meta.dirname, '../../../tests/fixtures/mime');

function corpus(): string[] {
  // Inputs whose output a version changed, beyond what the corpora below happen to contain.
  const changedByVersion = [
    // 2: the body colour wrapper closes an open <p> first.
    '<p>Hi<body bgcolor="red">there',
    // 2: a carriage return is written as &#13;; a selector with "url(" or a script scheme drops its rule, a value naming -moz-binding its declaration.
    '<p title="a&#13;b">one&#13;two</p>',
    '<style>p url( .x {color: red} .y {color: blue}</style><p>x</p>',
    '<style>a:javascript: p {color: red} @media javascript:x {p {color: red}} .y {color: blue}</style>',
    '<p style="width: 0purl-moz-binding kFor; color: red">x</p>',
  ];
  const inputs = [...changedByVersion, ...[...dompurifyPayloads, ...h5scVectors].map((payload) => payload.html)];
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
