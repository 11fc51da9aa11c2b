import {
  base64Body,
  CRLF,
  encodeCharset,
  encodedWords,
  headerLine,
  headerParameter,
  isAscii,
  quotedPrintableBody,
  wrapText,
  type Charset,
} from './mime';
import { SeededRandom } from './random';
import { COMPANY_DOMAINS, EMOJI, MAILERS, VOCABULARIES, type Language, type LanguageVocabulary } from './vocabulary';

/**
 * The benchmark's mailbox: deterministic (seeded), realistic in the ways that cost the importer time
 * — sizes spread like a real mailbox, plain/HTML/alternative bodies, attachments, five charsets and
 * their transfer encodings, folded and encoded headers, threads — and sized to a byte target.
 */

export interface GeneratedMessage {
  raw: Buffer;
  /** Becomes the IMAP INTERNALDATE. */
  receivedAt: Date;
  /** Maildir flag letters. */
  flags: string;
}

export interface Mailbox {
  name: string;
  address: string;
}

export interface BenchCorpusOptions {
  count: number;
  /** The total raw size aimed at; the body sizes are steered towards it as messages are generated. */
  targetBytes: number;
  seed: number;
  now: Date;
  /** Dates are spread over this many days before `now`. */
  spanDays: number;
  recipient: Mailbox;
}

type BodyKind = 'plain' | 'html' | 'alternative';
type HtmlStyle = 'business' | 'newsletter' | 'outlook';
type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

interface Contact {
  name: string;
  address: string;
  language: Language;
}

interface AttachmentKind {
  contentType: string;
  extension: string;
  /** The first bytes of such a file, so the content at least starts like one. */
  magic: Buffer;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const ATTACHMENT_KINDS: readonly (readonly [AttachmentKind, number])[] = [
  [{ contentType: 'application/pdf', extension: 'pdf', magic: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1') }, 40],
  [{ contentType: 'image/jpeg', extension: 'jpg', magic: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]) }, 20],
  [{ contentType: 'image/png', extension: 'png', magic: PNG_MAGIC }, 10],
  [{ contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx', magic: Buffer.from('PK\x03\x04', 'latin1') }, 12],
  [{ contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', magic: Buffer.from('PK\x03\x04', 'latin1') }, 10],
  [{ contentType: 'application/zip', extension: 'zip', magic: Buffer.from('PK\x03\x04', 'latin1') }, 8],
];

const CHARSET_SHARES: readonly (readonly [Charset, number])[] = [
  ['utf-8', 55],
  ['iso-8859-1', 15],
  ['windows-1252', 12],
  ['koi8-r', 10],
  ['shift_jis', 8],
];

/** Only languages whose every character exists in the charset. */
const LANGUAGES_BY_CHARSET: Record<Charset, readonly (readonly [Language, number])[]> = {
  'utf-8': [
    ['english', 45],
    ['swedish', 15],
    ['german', 10],
    ['french', 5],
    ['russian', 10],
    ['japanese', 10],
    ['english-typographic', 5],
  ],
  'iso-8859-1': [
    ['german', 40],
    ['swedish', 35],
    ['french', 25],
  ],
  'windows-1252': [
    ['english-typographic', 70],
    ['german', 15],
    ['french', 15],
  ],
  'koi8-r': [['russian', 1]],
  shift_jis: [['japanese', 1]],
};

/** Sender time zones (minutes east of UTC), so Date headers carry a realistic spread of offsets. */
const UTC_OFFSETS: Record<Language, readonly number[]> = {
  english: [-480, -300, -240, 0, 60],
  'english-typographic': [-300, 0, 60],
  german: [60, 120],
  swedish: [60, 120],
  french: [60, 120],
  russian: [180],
  japanese: [540],
};

const SHARE_WITH_ATTACHMENTS = 0.15;
const ATTACHMENT_MIN_BYTES = 20 * 1024;
const ATTACHMENT_MAX_BYTES = 1024 * 1024;
const SHARE_OF_REPLIES = 0.3;
const SHARE_WITH_INLINE_IMAGE = 0.04;
/** What the headers of one message take on average (Received, DKIM-Signature, addresses…), for steering the size. */
const HEADER_BYTES_ESTIMATE = 1_600;
const MIN_BODY_BYTES = 300;
/** Caps one body: a weight far out in the tail must not make a 5 MB text. */
const MAX_BODY_BYTES = 400_000;

interface MessagePlan {
  index: number;
  language: Language;
  charset: Charset;
  bodyKind: BodyKind;
  htmlStyle: HtmlStyle;
  attachments: { kind: AttachmentKind; bytes: number }[];
  inlineImageBytes: number | null;
  /** Share of the body budget, relative to the other messages. */
  bodyWeight: number;
  sentAt: Date;
  receivedAt: Date;
  utcOffsetMinutes: number;
  flags: string;
  from: Contact;
  cc: Contact[];
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
}

/** The messages, oldest first, each built when asked for so the whole mailbox never sits in memory. */
export function* generateBenchCorpus(options: BenchCorpusOptions): Generator<GeneratedMessage> {
  // The plan and the texts draw from separate streams: changing how bodies are written leaves the plan (sizes, dates) as it was.
  const plans = planMailbox(options, new SeededRandom(options.seed));
  const random = new SeededRandom(options.seed ^ 0x5bd1e995);
  let remainingAttachmentBytes = plans.reduce((sum, plan) => sum + encodedAttachmentBytes(plan), 0);
  let remainingWeight = plans.reduce((sum, plan) => sum + plan.bodyWeight, 0);
  let remainingBytes = options.targetBytes;

  for (const [position, plan] of plans.entries()) {
    const remainingMessages = plans.length - position;
    const bodyBudget = remainingBytes - remainingAttachmentBytes - remainingMessages * HEADER_BYTES_ESTIMATE;
    const bodyBytes = Math.min(MAX_BODY_BYTES, Math.max(MIN_BODY_BYTES, (bodyBudget * plan.bodyWeight) / remainingWeight));
    const raw = Buffer.from(renderMessage(plan, bodyBytes, options.recipient, random), 'utf8');
    remainingBytes -= raw.length;
    remainingAttachmentBytes -= encodedAttachmentBytes(plan);
    remainingWeight -= plan.bodyWeight;
    yield { raw, receivedAt: plan.receivedAt, flags: plan.flags };
  }
}

/** A tiny (~1 KB) plain message for the many-messages folder: there the count matters, not the bytes. */
export function generateTinyMessage(index: number, random: SeededRandom, options: { now: Date; spanDays: number; recipient: Mailbox }): GeneratedMessage {
  const vocabulary = VOCABULARIES.english;
  const receivedAt = new Date(options.now.getTime() - random.next() * options.spanDays * DAY_MS);
  const first = random.pick(vocabulary.firstNames);
  const last = random.pick(vocabulary.lastNames);
  const domain = random.pick(COMPANY_DOMAINS);
  const body = wrapText(Array.from({ length: random.int(6, 9) }, () => sentence(random, vocabulary, 'english')).join(' '), 76);
  const raw = [
    headerLine('From', `${first} ${last} <${asciiSlug(first)}.${asciiSlug(last)}@${domain}>`),
    headerLine('To', `${options.recipient.name} <${options.recipient.address}>`),
    headerLine('Subject', `${fillSubject(random.pick(vocabulary.subjects), random, vocabulary)} [${index}]`),
    headerLine('Date', rfc2822Date(receivedAt, random.pick(UTC_OFFSETS.english))),
    headerLine('Message-ID', `<tiny.${index}.${hex(random, 8)}@${domain}>`),
    'MIME-Version: 1.0' + CRLF,
    'Content-Type: text/plain; charset=utf-8' + CRLF,
    'Content-Transfer-Encoding: 7bit' + CRLF,
    CRLF,
    body + CRLF,
  ].join('');
  return { raw: Buffer.from(raw, 'utf8'), receivedAt, flags: random.chance(0.9) ? 'S' : '' };
}

// ---------------------------------------------------------------------------------------------
// Planning: everything but the body texts

const DAY_MS = 24 * 60 * 60 * 1000;

function planMailbox(options: BenchCorpusOptions, random: SeededRandom): MessagePlan[] {
  const contacts = makeContacts(random);
  const sentTimes = Array.from({ length: options.count }, () => options.now.getTime() - random.next() * options.spanDays * DAY_MS).sort((a, b) => a - b);
  const plans: MessagePlan[] = [];
  for (const [index, sentTime] of sentTimes.entries()) {
    const parent = index > 0 && random.chance(SHARE_OF_REPLIES) ? plans[index - random.int(1, Math.min(index, 200))] : undefined;
    const charset = parent?.charset ?? random.weighted(CHARSET_SHARES);
    const language = parent?.language ?? random.weighted(LANGUAGES_BY_CHARSET[charset]);
    const vocabulary = VOCABULARIES[language];
    const bodyKind = random.weighted<BodyKind>([
      ['plain', 30],
      ['html', 20],
      ['alternative', 50],
    ]);
    const attachmentCount = random.chance(SHARE_WITH_ATTACHMENTS) ? random.weighted([[1, 70], [2, 20], [3, 10]] as const) : 0;
    const sentAt = new Date(sentTime);
    const sameLanguage = contacts.filter((contact) => contact.language === language);
    const from = random.pick(sameLanguage);
    const baseSubject = parent ? parent.subject.replace(/^(Re: )+/, '') : fillSubject(random.pick(vocabulary.subjects), random, vocabulary);
    const domain = from.address.split('@')[1] ?? 'example.test';
    plans.push({
      index,
      language,
      charset,
      bodyKind,
      htmlStyle: bodyKind === 'html' ? random.weighted<HtmlStyle>([['newsletter', 70], ['business', 20], ['outlook', 10]]) : random.weighted<HtmlStyle>([['business', 55], ['outlook', 30], ['newsletter', 15]]),
      attachments: Array.from({ length: attachmentCount }, () => ({
        kind: random.weighted(ATTACHMENT_KINDS),
        bytes: random.logUniform(ATTACHMENT_MIN_BYTES, ATTACHMENT_MAX_BYTES),
      })),
      inlineImageBytes: bodyKind !== 'plain' && random.chance(SHARE_WITH_INLINE_IMAGE) ? random.int(4_000, 40_000) : null,
      // Log-normal: most bodies are short, a few (newsletters, long threads) are long. HTML carries markup on top.
      bodyWeight: Math.exp(gaussian(random) * 0.9) * (bodyKind === 'plain' ? 1 : bodyKind === 'html' ? 2.5 : 3),
      sentAt,
      // Delivery takes seconds to minutes after the Date header.
      receivedAt: new Date(sentTime + random.int(2, 600) * 1000),
      utcOffsetMinutes: random.pick(UTC_OFFSETS[language]),
      flags: random.weighted([
        ['S', 80],
        ['RS', 6],
        ['FS', 4],
        ['F', 2],
        ['', 8],
      ] as const),
      from,
      // Colleagues from the same language, so their names fit the message's charset.
      cc: random.chance(0.2) ? Array.from({ length: random.int(1, 3) }, () => random.pick(sameLanguage)) : [],
      subject: parent ? `Re: ${baseSubject}` : baseSubject,
      messageId: `<${hex(random, 16)}.${index}@${domain}>`,
      inReplyTo: parent?.messageId ?? null,
      // Real References headers keep growing along a thread; mailers trim them to the last few.
      references: parent ? [...parent.references, parent.messageId].slice(-10) : [],
    });
  }
  return plans;
}

function makeContacts(random: SeededRandom): Contact[] {
  const contacts: Contact[] = [];
  for (const language of Object.keys(VOCABULARIES) as Language[]) {
    const vocabulary = VOCABULARIES[language];
    for (let index = 0; index < 30; index++) {
      const first = random.pick(vocabulary.firstNames);
      const last = random.pick(vocabulary.lastNames);
      const localPart = asciiSlug(`${first}.${last}`) || `contact${contacts.length}`;
      const name = vocabulary.wordSeparator === '' ? `${last} ${first}` : `${first} ${last}`;
      contacts.push({ name, address: `${localPart}@${random.pick(COMPANY_DOMAINS)}`, language });
    }
  }
  return contacts;
}

/** What the attachments add to the message once base64-encoded (76-column lines plus part headers). */
function encodedAttachmentBytes(plan: MessagePlan): number {
  const base64Bytes = (bytes: number) => Math.ceil(bytes / 3) * 4 * (78 / 76);
  return (
    plan.attachments.reduce((sum, attachment) => sum + base64Bytes(attachment.bytes) + 350, 0) + (plan.inlineImageBytes !== null ? base64Bytes(plan.inlineImageBytes) + 300 : 0)
  );
}

// ---------------------------------------------------------------------------------------------
// Rendering

interface MimePart {
  headers: string;
  body: string;
}

function renderMessage(plan: MessagePlan, bodyBytes: number, recipient: Mailbox, random: SeededRandom): string {
  const body = bodyStructure(plan, bodyBytes, random);
  const withInline = plan.inlineImageBytes !== null ? addInlineImage(body, inlineImageContentId(plan), plan.inlineImageBytes, random) : body;
  const root =
    plan.attachments.length > 0
      ? multipart('mixed', [withInline, ...plan.attachments.map((attachment, position) => attachmentPart(plan, attachment, position, random))], random)
      : withInline;
  return messageHeaders(plan, recipient, random) + root.headers + CRLF + root.body;
}

function messageHeaders(plan: MessagePlan, recipient: Mailbox, random: SeededRandom): string {
  const domain = plan.from.address.split('@')[1] ?? 'example.test';
  const date = rfc2822Date(plan.sentAt, plan.utcOffsetMinutes);
  const receivedDate = rfc2822Date(plan.receivedAt, 0);
  const isNewsletter = plan.htmlStyle === 'newsletter' && plan.bodyKind === 'html';
  const nameEncoding = plan.language === 'german' || plan.language === 'swedish' || plan.language === 'french' ? 'Q' : 'B';
  const address = (contact: { name: string; address: string }) => `${quotedDisplayName(contact.name, plan.charset, nameEncoding)} <${contact.address}>`;
  const lines = [
    `Return-Path: <${plan.from.address}>${CRLF}`,
    `Received: from mail.${domain} (mail.${domain} [203.0.113.${random.int(1, 254)}])${CRLF}\tby mx.example.test (Postfix) with ESMTPS id ${hex(random, 10).toUpperCase()}${CRLF}\tfor <${recipient.address}>; ${receivedDate}${CRLF}`,
    `Received: from [10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}] (unknown [198.51.100.${random.int(1, 254)}])${CRLF}\tby mail.${domain} with ESMTPSA id ${hex(random, 12)}; ${date}${CRLF}`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=s2024;${CRLF}\tt=${Math.floor(plan.sentAt.getTime() / 1000)}; h=from:to:subject:date:message-id:mime-version;${CRLF}\tbh=${random.fillBytes(Buffer.alloc(32)).toString('base64')};${CRLF}\tb=${base64Body(random.fillBytes(Buffer.alloc(256))).trimEnd().split(CRLF).join(`${CRLF}\t`)}${CRLF}`,
    headerLine('From', address(plan.from)),
    headerLine('To', address(recipient)),
    ...(plan.cc.length > 0 ? [headerLine('Cc', plan.cc.map(address).join(', '))] : []),
    headerLine('Subject', encodedWords(plan.subject, plan.charset, nameEncoding)),
    headerLine('Date', date),
    headerLine('Message-ID', plan.messageId),
    ...(plan.inReplyTo ? [headerLine('In-Reply-To', plan.inReplyTo), headerLine('References', plan.references.join(' '))] : []),
    ...(isNewsletter ? [headerLine('List-Unsubscribe', `<https://${domain}/unsubscribe/${hex(random, 12)}>, <mailto:unsubscribe@${domain}>`), 'Precedence: bulk' + CRLF] : []),
    headerLine(random.chance(0.5) ? 'X-Mailer' : 'User-Agent', random.pick(MAILERS)),
    'MIME-Version: 1.0' + CRLF,
  ];
  return lines.join('');
}

function quotedDisplayName(name: string, charset: Charset, encoding: 'B' | 'Q'): string {
  if (!isAscii(name)) return encodedWords(name, charset, encoding);
  return /[,.'"]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
}

function bodyStructure(plan: MessagePlan, bodyBytes: number, random: SeededRandom): MimePart {
  const vocabulary = VOCABULARIES[plan.language];
  if (plan.bodyKind === 'plain') return textPart(plainText(plan, bodyBytes, random), plan, random);
  if (plan.bodyKind === 'html') return textPart(htmlDocument(plan, paragraphsFor(plan, bodyBytes / markupFactor(plan.htmlStyle), random), random), plan, random, 'html');
  // Both parts tell the same text; the HTML one carries its markup on top.
  const paragraphs = paragraphsFor(plan, bodyBytes / (1 + markupFactor(plan.htmlStyle)), random);
  const text = [random.pick(vocabulary.greeting), ...paragraphs.map((paragraph) => wrapText(paragraph, 76)), random.pick(vocabulary.closing), plan.from.name].join(CRLF + CRLF);
  return multipart('alternative', [textPart(text, plan, random), textPart(htmlDocument(plan, paragraphs, random), plan, random, 'html')], random);
}

/** Roughly how much bigger the HTML of a text is, per style, to aim the paragraph count at a byte size. */
function markupFactor(style: HtmlStyle): number {
  return style === 'newsletter' ? 1.9 : style === 'outlook' ? 2.2 : 1.3;
}

function plainText(plan: MessagePlan, bodyBytes: number, random: SeededRandom): string {
  const vocabulary = VOCABULARIES[plan.language];
  const paragraphs = paragraphsFor(plan, bodyBytes * 0.8, random).map((paragraph) => wrapText(paragraph, 76));
  const quote =
    plan.inReplyTo !== null
      ? [
          `On ${rfc2822Date(new Date(plan.sentAt.getTime() - DAY_MS), plan.utcOffsetMinutes)}, someone wrote:`,
          wrapText(paragraphsFor(plan, Math.min(bodyBytes * 0.2, 4000), random).join(' '), 72)
            .split(CRLF)
            .map((line) => `> ${line}`)
            .join(CRLF),
        ]
      : [];
  return [random.pick(vocabulary.greeting), ...paragraphs, random.pick(vocabulary.closing), plan.from.name, ...quote].join(CRLF + CRLF);
}

/** Paragraphs of text in the plan's language adding up to about `targetBytes` once encoded. */
function paragraphsFor(plan: MessagePlan, targetBytes: number, random: SeededRandom): string[] {
  const vocabulary = VOCABULARIES[plan.language];
  const paragraphs: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes || paragraphs.length === 0) {
    const paragraph = Array.from({ length: random.int(2, 6) }, () => sentence(random, vocabulary, plan.language)).join(vocabulary.wordSeparator === '' ? '' : ' ');
    paragraphs.push(paragraph);
    bytes += estimatedEncodedBytes(paragraph, plan.charset);
  }
  return paragraphs;
}

function estimatedEncodedBytes(text: string, charset: Charset): number {
  const bytes = charset === 'utf-8' ? Buffer.byteLength(text, 'utf8') : encodeCharset(text, charset).length;
  // Quoted-printable triples non-ASCII bytes, base64 adds a third: a middle estimate is good enough to steer by.
  return isAscii(text) ? bytes : bytes * (charset === 'koi8-r' || charset === 'shift_jis' ? 1.37 : 1.2);
}

function sentence(random: SeededRandom, vocabulary: LanguageVocabulary, language: Language): string {
  const words = Array.from({ length: random.int(5, 16) }, () => random.pick(vocabulary.words));
  if (language === 'english' && random.chance(0.05)) words.push(random.pick(EMOJI));
  const text = words.join(vocabulary.wordSeparator);
  return text.charAt(0).toUpperCase() + text.slice(1) + random.pick(vocabulary.sentenceEnd);
}

function fillSubject(template: string, random: SeededRandom, vocabulary: LanguageVocabulary): string {
  return template.replace('{n}', String(random.int(1, 99_999))).replace('{w}', random.pick(vocabulary.words));
}

function htmlDocument(plan: MessagePlan, paragraphs: readonly string[], random: SeededRandom): string {
  const escaped = paragraphs.map(escapeHtml);
  const domain = plan.from.address.split('@')[1] ?? 'example.test';
  const image = plan.inlineImageBytes !== null ? `<img src="cid:${inlineImageContentId(plan)}" alt="logo" width="120">` : '';
  const head = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=${plan.charset}">`;
  switch (plan.htmlStyle) {
    case 'newsletter':
      return [
        `${head}<style>body{margin:0;font-family:Helvetica,Arial,sans-serif}.btn{background:#0a66c2;color:#fff;padding:12px 18px}`,
        `@media (max-width:600px){.col{width:100%!important}}</style></head><body>`,
        `<table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" style="border-collapse:collapse">`,
        `<tr><td style="padding:24px"><img src="https://cdn.${domain}/img/header-${hex(random, 6)}.png" width="552" alt="News">${image}</td></tr>`,
        ...escaped.map(
          (paragraph, position) =>
            `<tr><td class="col" style="padding:8px 24px;font-size:15px;line-height:22px;color:#333333">` +
            (position % 3 === 0 ? `<h2 style="font-size:20px;margin:0 0 8px">${paragraph.slice(0, 60)}</h2>` : '') +
            `<p style="margin:0 0 12px">${paragraph}</p>` +
            (position % 4 === 1 ? `<a class="btn" href="https://${domain}/go/${hex(random, 8)}?utm_source=newsletter" style="display:inline-block">Read more</a>` : '') +
            `</td></tr>`,
        ),
        `<tr><td style="padding:24px;font-size:11px;color:#999"><a href="https://${domain}/unsubscribe">Unsubscribe</a>`,
        `<img src="https://track.${domain}/open/${hex(random, 12)}.gif" width="1" height="1" alt=""></td></tr></table>`,
        random.chance(0.05) ? `<script>window.trackOpen&&trackOpen("${hex(random, 6)}")</script>` : '',
        `</body></html>`,
      ].join(CRLF);
    case 'outlook':
      return [
        `${head}<meta name="Generator" content="Microsoft Word 15 (filtered medium)"><style><!--p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif}--></style>`,
        `<!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head><body lang="EN-US" link="#0563C1" vlink="#954F72">`,
        `<div class="WordSection1">${image}`,
        ...escaped.map((paragraph) => `<p class="MsoNormal"><span style='font-size:11.0pt;font-family:"Calibri",sans-serif;color:#1F497D'>${paragraph}<o:p></o:p></span></p>${CRLF}<p class="MsoNormal"><o:p>&nbsp;</o:p></p>`),
        `<p class="MsoNormal"><b><span style="color:#1F497D">${escapeHtml(plan.from.name)}</span></b><o:p></o:p></p></div></body></html>`,
      ].join(CRLF);
    case 'business':
      return [
        `${head}</head><body><div dir="ltr">${image}`,
        ...escaped.map((paragraph) => `<div>${paragraph}</div><div><br></div>`),
        `<div>--&nbsp;<br><a href="mailto:${plan.from.address}" onclick="return track()">${escapeHtml(plan.from.name)}</a><br>`,
        `<a href="https://www.${domain}/">www.${domain}</a></div>`,
        plan.inReplyTo !== null ? `<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">${escaped[0] ?? ''}</blockquote>` : '',
        `</div></body></html>`,
      ].join(CRLF);
  }
}

function inlineImageContentId(plan: MessagePlan): string {
  return `logo.${plan.index}@${plan.from.address.split('@')[1] ?? 'example.test'}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function chooseTransferEncoding(text: string, charset: Charset, random: SeededRandom): TransferEncoding {
  if (isAscii(text)) return '7bit';
  switch (charset) {
    case 'utf-8':
      return random.weighted<TransferEncoding>([
        ['quoted-printable', 50],
        ['base64', 20],
        ['8bit', 30],
      ]);
    case 'iso-8859-1':
    case 'windows-1252':
      return 'quoted-printable';
    case 'koi8-r':
      return random.chance(0.7) ? 'base64' : 'quoted-printable';
    case 'shift_jis':
      return 'base64';
  }
}

function textPart(text: string, plan: MessagePlan, random: SeededRandom, subtype: 'plain' | 'html' = 'plain'): MimePart {
  const transfer = chooseTransferEncoding(text, plan.charset, random);
  // 7bit and 8bit bodies go out as written, so they must already respect the 998-octet line limit.
  const lineSafe = transfer === '7bit' || transfer === '8bit' ? text.split(CRLF).map((line) => wrapText(line, 76)).join(CRLF) : text;
  const bytes = encodeCharset(lineSafe + CRLF, plan.charset);
  const body = transfer === 'base64' ? base64Body(bytes) : transfer === 'quoted-printable' ? quotedPrintableBody(bytes) : lineSafe + CRLF;
  return {
    headers: `Content-Type: text/${subtype}; charset="${plan.charset}"${CRLF}Content-Transfer-Encoding: ${transfer}${CRLF}`,
    body,
  };
}

function multipart(subtype: 'mixed' | 'alternative' | 'related', parts: readonly MimePart[], random: SeededRandom): MimePart {
  const boundary = `----=_Part_${hex(random, 8)}_${hex(random, 8)}`;
  const body =
    (subtype === 'mixed' ? `This is a multi-part message in MIME format.${CRLF}${CRLF}` : '') +
    parts.map((part) => `--${boundary}${CRLF}${part.headers}${CRLF}${part.body}`).join('') +
    `--${boundary}--${CRLF}`;
  return { headers: `Content-Type: multipart/${subtype};${CRLF}\tboundary="${boundary}"${CRLF}`, body };
}

/** Wraps the body (HTML alone or the alternative) in multipart/related with the image its cid: points at. */
function addInlineImage(body: MimePart, contentId: string, imageBytes: number, random: SeededRandom): MimePart {
  const image: MimePart = {
    headers: `Content-Type: image/png; name="logo.png"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-ID: <${contentId}>${CRLF}Content-Disposition: inline; filename="logo.png"${CRLF}`,
    body: base64Body(Buffer.concat([PNG_MAGIC, random.fillBytes(Buffer.alloc(imageBytes))])),
  };
  return multipart('related', [body, image], random);
}

function attachmentPart(plan: MessagePlan, attachment: { kind: AttachmentKind; bytes: number }, position: number, random: SeededRandom): MimePart {
  const vocabulary = VOCABULARIES[plan.language];
  const filename = `${random.pick(vocabulary.attachmentNames)}${position > 0 ? `-${position + 1}` : ''}.${attachment.kind.extension}`;
  const content = Buffer.concat([attachment.kind.magic, random.fillBytes(Buffer.alloc(Math.max(0, attachment.bytes - attachment.kind.magic.length)))]);
  // Outlook puts an encoded word into name=, others RFC 2231 into filename*=; real mail has both side by side.
  const nameParameter = isAscii(filename) ? `name="${filename}"` : `name="${encodedWords(filename, 'utf-8').replace(/\r\n /g, ' ')}"`;
  return {
    headers:
      `Content-Type: ${attachment.kind.contentType};${CRLF}\t${nameParameter}${CRLF}` +
      `Content-Disposition: attachment;${CRLF}\t${headerParameter('filename', filename)}${CRLF}` +
      `Content-Transfer-Encoding: base64${CRLF}`,
    body: base64Body(content),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date in the sender's zone, e.g. `Tue, 03 Jun 2025 14:22:01 +0200`. */
export function rfc2822Date(date: Date, utcOffsetMinutes: number): string {
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const two = (value: number) => String(value).padStart(2, '0');
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(utcOffsetMinutes);
  return (
    `${WEEKDAYS[local.getUTCDay()]}, ${two(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${sign}${two(Math.floor(offset / 60))}${two(offset % 60)}`
  );
}

function hex(random: SeededRandom, length: number): string {
  let text = '';
  while (text.length < length) text += random.nextUint32().toString(16).padStart(8, '0');
  return text.slice(0, length);
}

/** ASCII letters of a name for an address local part (accents dropped; Cyrillic or Japanese names give ''). */
function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z.]/g, '')
    .replace(/^\.+|\.+$/g, '');
}

/** A standard normal value (Box–Muller). */
function gaussian(random: SeededRandom): number {
  const u = Math.max(random.next(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
