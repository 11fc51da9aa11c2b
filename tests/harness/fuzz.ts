import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

// Property-based fuzzing of the hand-written parsers (lib/mail/mime, lib/mail/html). In `npm test`
// each property runs a short, fixed-seed round, so a failure reproduces exactly; `npm run fuzz --
// --seconds N` (scripts/fuzz.mjs) sets FUZZ_SECONDS and a random FUZZ_SEED and runs them for longer.
// fast-check's failure message names the seed and the path of the shrunk counterexample.

/** How many fuzz properties share FUZZ_SECONDS (the *.fuzz.test.ts files' it() calls). */
export const FUZZ_PROPERTY_COUNT = 9;

const DEFAULT_SEED = 20261203;

function longRunSeconds(): number {
  const seconds = Number(process.env.FUZZ_SECONDS ?? '0');
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** fast-check parameters: `runs` cases with the fixed seed, or a share of FUZZ_SECONDS with FUZZ_SEED. */
export function fuzzParameters<T>(runs: number): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
  const seconds = longRunSeconds();
  if (seconds === 0) return { seed, numRuns: runs };
  return {
    seed,
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: (seconds * 1000) / FUZZ_PROPERTY_COUNT,
    markInterruptAsFailure: false,
  };
}

/** The vitest timeout of one property: its share of a long run, plus room for shrinking a failure. */
export function fuzzTimeoutMs(shortRunMs = 30_000): number {
  const seconds = longRunSeconds();
  return seconds === 0 ? shortRunMs : (seconds * 1000) / FUZZ_PROPERTY_COUNT + 120_000;
}

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures');

function filesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return filesUnder(full);
      return /^(LICENSE|README)/i.test(entry.name) ? [] : [full];
    });
}

/** Every message of the MIME corpora in tests/fixtures/mime (third-party; licenses beside them). */
export const mimeSeeds: readonly Buffer[] = filesUnder(path.join(fixtures, 'mime')).map((file) => fs.readFileSync(file));

/** The XSS corpora of tests/fixtures/xss, and the corpus messages read as markup. */
export const htmlSeeds: readonly string[] = [
  ...['dompurify-payloads.json', 'h5sc-vectors.json'].flatMap((name) =>
    (JSON.parse(fs.readFileSync(path.join(fixtures, 'xss', name), 'utf8')) as { payload: unknown }[]).map((entry) => String(entry.payload)),
  ),
  ...mimeSeeds.filter((source) => /<html|<body|<div|<table|<p[ >]/i.test(source.toString('latin1'))).map((source) => source.toString('latin1')),
];

type Edit<T> =
  | { kind: 'replace'; at: number; length: number; insert: T }
  | { kind: 'repeat'; at: number; length: number; times: number };

/** Edits of a sequence: pieces replaced by (or inserted from) `insertion`, stretches repeated. */
function edits<T>(insertion: fc.Arbitrary<T>): fc.Arbitrary<Edit<T>[]> {
  const position = fc.nat({ max: 1 << 30 });
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: position, length: fc.oneof(fc.constant(0), fc.nat({ max: 16 }), fc.nat({ max: 4096 })), insert: insertion }),
      fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 256 }), times: fc.integer({ min: 2, max: 64 }) }),
    ),
    { minLength: 1, maxLength: 8 },
  );
}

function applyEdits<T extends string | Buffer>(seed: T, list: readonly Edit<T>[], concat: (parts: T[]) => T): T {
  let value = seed;
  for (const edit of list) {
    const at = value.length === 0 ? 0 : edit.at % (value.length + 1);
    const end = Math.min(value.length, at + edit.length);
    const piece = value.slice(at, end) as T;
    value =
      edit.kind === 'replace'
        ? concat([value.slice(0, at) as T, edit.insert, value.slice(end) as T])
        : concat([value.slice(0, at) as T, ...Array.from({ length: edit.times }, () => piece), value.slice(end) as T]);
  }
  return value;
}

/** Pieces of MIME structure that break parsers when they land in the wrong place. */
const MIME_TOKENS = [
  '\r\n', '\n', '\r\n\r\n', '\r\n ', '--', '--\r\n', ':', ';', '"', '\\', '=', '=?', '?=', '=?utf-8?B?', '=?iso-8859-1?Q?', '=?', '?q?',
  'Content-Type: multipart/mixed; boundary="b"\r\n', 'Content-Type: multipart/alternative; boundary=b\r\n', '\r\n--b\r\n', '\r\n--b--\r\n',
  'Content-Type: text/html; charset=utf-8\r\n', 'Content-Type: message/rfc822\r\n', 'Content-Transfer-Encoding: base64\r\n',
  'Content-Transfer-Encoding: quoted-printable\r\n', 'Content-Disposition: attachment; filename*=utf-8\'\'a%20b.pdf\r\n',
  "filename*0*=utf-8''x; filename*1=y", 'charset=', 'charset=x-unknown', 'boundary=', 'From: ', 'To: ', 'Subject: ', 'Date: ', 'Message-ID: ', '<', '>', '@', ',',
  '(', ')', '\u0000', '\u00ff', '\xe5\xe4\xf6', 'é', '日本', '\ud83d\ude00', '=\r\n', '=3D', '=0', 'AAAA', '====',
];

/** A corpus message with a few edits: random bytes, MIME tokens, deletions, repeated stretches. */
export function mutatedMessage(seeds: readonly Buffer[] = mimeSeeds): fc.Arbitrary<Buffer> {
  const insertion = fc.oneof(
    fc.constantFrom(...MIME_TOKENS).map((token) => Buffer.from(token, 'utf8')),
    fc.uint8Array({ maxLength: 32 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom(...seeds).chain((other) => fc.nat({ max: Math.max(0, other.length - 1) }).map((start) => other.subarray(start, start + 2048))),
  );
  return fc.tuple(fc.constantFrom(...seeds), edits(insertion)).map(([seed, list]) => applyEdits(seed, list, (parts) => Buffer.concat(parts)));
}

/** Pieces of markup and CSS that trip sanitizers up. */
const HTML_TOKENS = [
  '<', '>', '</', '/>', '"', "'", '`', '=', '&', '&#', '&#x0A;', '&#106;', '&colon;', '&Tab;', '&lt;', ';', ' ', '\t', '\n', '\r', '\u0000', '\f',
  '<!--', '-->', '--!>', '<!', '<?', '<![CDATA[', ']]>', '<!DOCTYPE html>', '<script>', '</script>', '<script', '<style>', '</style>', '<svg>',
  '</svg>', '<math>', '<mi>', '<mglyph>', '<template>', '<noscript>', '</noscript>', '<textarea>', '<title>', '<xmp>', '<plaintext>',
  '<iframe srcdoc="', '<table>', '<tr>', '<td>', '</table>', '<p>', '</p>', '<a href="', '<a href=', '</a>', '<img src="', '<img src=x ',
  '<body bgcolor="red" background="http://t.example/b">', '<form>', '<button>', '<select>', '<option>', '<object>', '<embed>', '<base href=',
  '<meta http-equiv=refresh content="0;url=javascript:alert(1)">', '<link rel=stylesheet href=', ' onerror=', ' onload="', ' style="', ' style=',
  'javascript:', 'JaVa\tScRiPt:', 'vbscript:', 'data:text/html,', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/svg+xml,', 'cid:', 'cid:logo',
  'http://t.example/x.gif', '//t.example/x', 'url(', 'url("http://t.example")', ')', 'expression(', '@import ', '@media screen{', '{', '}', '\\', '\\75 rl(',
  '/*', '*/', 'behavior:', '-moz-binding:', 'position:fixed', 'background:', 'image-set(', 'src:', 'xlink:href="', 'formaction=', 'is=',
];

/** A seed of the HTML corpora with a few edits: markup tokens, random text, deletions, repeated stretches. */
export function mutatedHtml(seeds: readonly string[] = htmlSeeds): fc.Arbitrary<string> {
  const insertion = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HTML_TOKENS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 16, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...HTML_TOKENS), { maxLength: 12 }).map((tokens) => tokens.join('')) },
  );
  return fc.tuple(fc.constantFrom(...seeds), edits(insertion)).map(([seed, list]) => applyEdits(seed, list, (parts) => parts.join('')));
}

/** A small input stretched to about `bytes` by repeating a random stretch of it (where parsers go quadratic). */
export function stretched<T extends string | Buffer>(inputs: fc.Arbitrary<T>, bytes: number, concat: (parts: T[]) => T): fc.Arbitrary<T> {
  return fc.tuple(inputs, fc.nat(), fc.integer({ min: 1, max: 512 })).map(([input, start, length]) => {
    if (input.length === 0) return input;
    const from = start % input.length;
    const piece = input.slice(from, Math.min(input.length, from + length)) as T;
    const times = Math.max(1, Math.floor((bytes - input.length) / Math.max(1, piece.length)));
    return concat([input.slice(0, from) as T, ...Array.from({ length: times }, () => piece), input.slice(from) as T]);
  });
}
