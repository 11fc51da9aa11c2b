import fc from 'fast-check';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import type { MailAddressEntry } from '@/db/schema';
import { fuzzParameters, fuzzTimeoutMs, mimeSeeds, mutatedMessage, stretched } from '../../../tests/harness/fuzz';
import { normalizeMessageId } from './message-id';
import { parseMime } from './mime';
import { parseMessage } from './parse';

// Property-based fuzzing of our MIME parser, seeded from the corpora in tests/fixtures/mime (see
// tests/harness/fuzz.ts for the short run in `npm test` and `npm run fuzz`).

/**
 * Far above what any input of up to 1 MB takes (measured on a 2-core machine shared with other
 * jobs: parsing about 40 ms, sanitizing HTML 0.1-0.5 s, CSS 0.3-1.7 s under load), far below what a
 * parser that went quadratic on one would take (minutes). Shared by the three fuzz files.
 */
const MAX_MS_PER_MEGABYTE = 20_000;
const MEGABYTE = 1024 * 1024;

describe('the MIME parser under fuzzing', () => {
  it('never throws, and what it reads is always storable', { timeout: fuzzTimeoutMs() }, () => {
    fc.assert(
      fc.property(mutatedMessage(), (source) => {
        parseMime(source);
        const parsed = parseMessage(source);
        expect(typeof parsed.subject).toBe('string');
        expect(Array.from(parsed.snippet).length).toBeLessThanOrEqual(200);
        for (const entry of [...parsed.from, ...parsed.to, ...parsed.cc]) expect(entry.name + entry.address).not.toContain('\u0000');
      }),
      fuzzParameters(150),
    );
  });

  it('reads any input of up to 1 MB within a fixed time', { timeout: fuzzTimeoutMs(60_000) }, () => {
    fc.assert(
      fc.property(stretched(mutatedMessage(), MEGABYTE, (parts) => Buffer.concat(parts)), (source) => {
        const started = performance.now();
        parseMessage(source.subarray(0, MEGABYTE));
        const elapsed = performance.now() - started;
        expect(elapsed, `${source.length} bytes took ${Math.round(elapsed)} ms`).toBeLessThan(MAX_MS_PER_MEGABYTE);
      }),
      fuzzParameters(3),
    );
  });

  it('agrees with mailparser on the stored fields of messages nodemailer composed', { timeout: fuzzTimeoutMs() }, async () => {
    await fc.assert(
      fc.asyncProperty(composedMessage(), async (mail) => {
        const source = await compose(mail);
        const expected = await mailparserView(source);
        if (expected === null) return;
        const parsed = parseMessage(source);
        expect(parsed.parseError).toBeNull();
        expect({
          subject: collapse(parsed.subject),
          from: parsed.from,
          to: parsed.to,
          cc: parsed.cc,
          sentAt: parsed.sentAt?.toISOString() ?? null,
          messageId: parsed.messageId,
          text: collapse(parsed.textBody ?? ''),
        }).toEqual(expected);
      }),
      fuzzParameters(150),
    );
  });

  it('agrees with mailparser on the headers of the corpus messages however their bodies are mangled', { timeout: fuzzTimeoutMs() }, async () => {
    // Edits confined to the body: the header block is what both read the same way.
    const withMangledBody = fc.tuple(fc.constantFrom(...mimeSeeds), mutatedMessage()).map(([seed, other]) => {
      const end = seed.indexOf('\r\n\r\n') === -1 ? seed.indexOf('\n\n') : seed.indexOf('\r\n\r\n');
      return end === -1 ? seed : Buffer.concat([seed.subarray(0, end), Buffer.from('\r\n\r\n'), other]);
    });
    await fc.assert(
      fc.asyncProperty(withMangledBody, async (source) => {
        const expected = await mailparserView(source);
        if (expected === null) return;
        const parsed = parseMessage(source);
        expect({ messageId: parsed.messageId, sentAt: parsed.sentAt?.toISOString() ?? null }).toEqual({
          messageId: expected.messageId,
          sentAt: expected.sentAt,
        });
      }),
      fuzzParameters(100),
    );
  });
});

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const mailbox = fc.record({ name: fc.oneof(fc.constant(''), text(30), fc.string({ maxLength: 20 })), address: fc.emailAddress() });

/** The fields of a message for nodemailer's composer: random text, names, addresses and encodings. */
function composedMessage() {
  return fc.record({
    subject: fc.oneof(text(200), fc.string({ maxLength: 80 })),
    from: mailbox,
    to: fc.array(mailbox, { minLength: 1, maxLength: 3 }),
    cc: fc.array(mailbox, { maxLength: 3 }),
    date: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
    messageId: fc.uuid().map((id) => `<${id}@example.test>`),
    text: fc.oneof(text(2000), fc.string({ maxLength: 500 })),
    html: fc.option(text(200).map((html) => `<p>${html.replace(/[<&]/g, ' ')}</p>`), { nil: undefined }),
    textEncoding: fc.constantFrom('quoted-printable' as const, 'base64' as const),
  });
}

function compose(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) => new MailComposer(mail).compile().build((error, message) => (error ? reject(error) : resolve(message))));
}

/** mailparser is the reference, not the subject: where it takes long or never settles, it did not succeed. */
const MAILPARSER_LIMIT_MS = 10_000;

async function mailparserView(source: Buffer) {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), MAILPARSER_LIMIT_MS)));
  const parsing = simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true }).catch(() => null);
  const mail = await Promise.race([parsing, gaveUp]).finally(() => clearTimeout(timer));
  if (mail === null) return null;
  const withoutNul = (value: string) => value.replaceAll('\u0000', '');
  const addresses = (header: AddressObject | AddressObject[] | undefined): MailAddressEntry[] => {
    const entries: MailAddressEntry[] = [];
    const visit = (address: EmailAddress) => {
      if (address.group) return address.group.forEach(visit);
      const entry = { name: withoutNul(address.name ?? '').trim(), address: withoutNul(address.address ?? '').trim() };
      if (entry.name !== '' || entry.address !== '') entries.push(entry);
    };
    for (const object of header === undefined ? [] : Array.isArray(header) ? header : [header]) object.value.forEach(visit);
    return entries;
  };
  return {
    subject: collapse(withoutNul(mail.subject ?? '')),
    from: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    sentAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    messageId: normalizeMessageId(withoutNul(mail.messageId ?? '')),
    text: collapse(withoutNul(mail.text ?? '')),
  };
}
