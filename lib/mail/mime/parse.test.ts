import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { MailAddressEntry } from '@/db/schema';
import { normalizeMessageId, parseMessageIdList } from './message-id';
import { parseMime } from './mime';
import { htmlToPlainText , sanitizeMailHtml } from '@/lib/mail/html';
import { attachmentUrl, MAX_STORED_ATTACHMENT_BYTES, parseMessage, type MessageParser, type ParsedMessage } from './parse';

const message = (lines: string[]) => Buffer.from(lines.join('\r\n'));

const simple = message([
  'From: "Ann Example" <ann@example.com>',
  'To: Team: bob@example.com, "Cid" <cid@example.com>;, dave@example.com',
  'Cc: =?utf-8?q?=C3=85sa?= <asa@example.se>',
  'Subject: =?utf-8?q?Offert_f=C3=B6r_v=C3=A5ren?=',
  'Date: Tue, 02 Apr 2024 10:00:00 +0200',
  'Message-ID: <Offer-1@Mail.Example.COM>',
  'In-Reply-To: <root@example.com>',
  'References: <root@example.com>\r\n <middle@Example.com>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello   team,\r\n\r\nhere is the offer.\u0000',
]);

describe('parseMessage', () => {
  it('reads headers, addresses (groups flattened) and threading', async () => {
    const parsed = parseMessage(simple);
    expect(parsed).toMatchObject({
      subject: 'Offert för våren',
      messageId: 'Offer-1@mail.example.com',
      inReplyTo: 'root@example.com',
      references: ['root@example.com', 'middle@example.com'],
      threadId: 'root@example.com',
      from: [{ name: 'Ann Example', address: 'ann@example.com' }],
      to: [
        { name: '', address: 'bob@example.com' },
        { name: 'Cid', address: 'cid@example.com' },
        { name: '', address: 'dave@example.com' },
      ],
      cc: [{ name: 'Åsa', address: 'asa@example.se' }],
      sentAt: new Date('2024-04-02T08:00:00Z'),
      snippet: 'Hello team, here is the offer.',
      htmlBody: null,
      parseError: null,
      attachments: [],
      hasAttachments: false,
    });
    // Postgres text cannot hold U+0000.
    expect(parsed.textBody).not.toContain('\u0000');
    expect(parsed.searchText).toContain('ann@example.com');
    expect(parsed.searchText).toContain('\nann\n');
  });

  it('sanitises HTML, points cid: images at their stored attachment and derives the snippet from the HTML', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const parsed = parseMessage(
      message([
        'From: ann@example.com',
        'Subject: Logo',
        'Content-Type: multipart/related; boundary="rel"',
        '',
        '--rel',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><head><style>p{color:red}</style></head><body><p>Hi&nbsp;there</p><img src="cid:logo@x"><img src="https://tracker.example/p.gif"><script>alert(1)</script></body></html>',
        '--rel',
        'Content-Type: image/png',
        'Content-ID: <logo@x>',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--rel--',
        '',
      ]),
    );
    expect(parsed.snippet).toBe('Hi there');
    expect(parsed.textBody).toBeNull();
    const [logo] = parsed.attachments;
    expect(logo).toMatchObject({ contentType: 'image/png', contentId: 'logo@x', isInline: true, part: '2' });
    expect(logo!.content).toEqual(png);
    expect(parsed.hasAttachments).toBe(false);
    expect(parsed.htmlBody).toContain(attachmentUrl(logo!.id));
    expect(parsed.htmlBody).not.toContain('<script');
    expect(parsed.blockedRemoteImages).toBe(1);
    expect(parsed.hasRemoteContent).toBe(true);
  });

  it('takes the snippet and the searchable text of an HTML-only message from its HTML', async () => {
    const parsed = parseMessage(
      Buffer.from('From: a@example.test\r\nSubject: News\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Autumn <b>offers</b> inside</p>'),
    );
    expect(parsed.textBody).toBeNull();
    expect(parsed.snippet).toBe('Autumn offers inside');
    expect(parsed.searchText).toContain('offers');
  });

  it('keeps large attachments out of the row but remembers their part', async () => {
    const big = Buffer.alloc(MAX_STORED_ATTACHMENT_BYTES + 1, 'a');
    const parsed = parseMessage(
      message([
        'From: ann@example.com',
        'Subject: Big',
        'Content-Type: multipart/mixed; boundary="mix"',
        '',
        '--mix',
        'Content-Type: text/plain',
        '',
        'See attachment.',
        '--mix',
        'Content-Type: application/octet-stream; name="big.bin"',
        'Content-Disposition: attachment; filename="big.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        big.toString('base64'),
        '--mix--',
        '',
      ]),
    );
    expect(parsed.hasAttachments).toBe(true);
    expect(parsed.attachments[0]).toMatchObject({ filename: 'big.bin', size: big.length, part: '2', content: null, disposition: 'attachment' });
  });

  it('falls back to the headers when the body cannot be parsed', async () => {
    const failsOnBodies: MessageParser = (source) => {
      if (!source.toString().endsWith('\r\n\r\n')) throw new Error('broken body');
      return parseMime(source);
    };
    const parsed = parseMessage(simple, failsOnBodies);
    expect(parsed).toMatchObject({
      subject: 'Offert för våren',
      messageId: 'Offer-1@mail.example.com',
      threadId: 'root@example.com',
      from: [{ name: 'Ann Example', address: 'ann@example.com' }],
      textBody: null,
      parseError: 'could not parse the message: broken body',
    });
  });

  it('reads a few headers by hand when even the header block defeats the parser', async () => {
    const alwaysFails: MessageParser = () => {
      throw new Error('parser gave up');
    };
    const parsed = parseMessage(simple, alwaysFails);
    expect(parsed).toMatchObject({
      messageId: 'Offer-1@mail.example.com',
      references: ['root@example.com', 'middle@example.com'],
      threadId: 'root@example.com',
      sentAt: new Date('2024-04-02T08:00:00Z'),
      parseError: 'could not parse the message: parser gave up',
    });
    // Undecoded, but present: better than nothing in a message list.
    expect(parsed.subject).toContain('Offert');
  });

  it('gives a message without any id a thread of its own', async () => {
    const parsed = parseMessage(message(['Subject: lonely', '', 'text']));
    expect(parsed.messageId).toBeNull();
    expect(parsed.threadId).toMatch(/^generated:/);
  });

  it('parses synchronously as well', () => {
    expect(parseMessage(simple)).toMatchObject({ subject: 'Offert för våren', textBody: expect.stringContaining('here is the offer.') });
  });

  it('keeps what it read and sets parseError when the parser read only part of the message', () => {
    const partly: MessageParser = (source) => ({ ...parseMime(source), problem: 'the message has more than 1000 parts' });
    const parsed = parseMessage(simple, partly);
    expect(parsed).toMatchObject({ subject: 'Offert för våren', parseError: 'could not parse the whole message: the message has more than 1000 parts' });
    expect(parsed.textBody).toContain('here is the offer.');
  });

  it('stays fast on pathological ids and HTML', () => {
    const started = performance.now();
    const parsed = parseMessage(
      message([
        `Message-ID: x@y${'>'.repeat(60_000)}a`,
        `References: ${`x@y${'>'.repeat(60_000)}a `.repeat(5)}`,
        'Content-Type: text/html',
        '',
        `${'<style'.repeat(20_000)}${'<!--'.repeat(20_000)}${'<'.repeat(50_000)}`,
      ]),
    );
    expect(performance.now() - started).toBeLessThan(3000);
    expect(parsed.references).toEqual([]);
  });
});


// ---------------------------------------------------------------------------------------------
// Against mailparser, which parse.ts used before: every real and broken message of the corpora in
// tests/fixtures/mime must come out the same, but for the differences listed here.

const FIXTURES = path.resolve(import.meta.dirname, '../../../tests/fixtures/mime');

interface MessageView {
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: MailAddressEntry[];
  to: MailAddressEntry[];
  cc: MailAddressEntry[];
  bcc: MailAddressEntry[];
  replyTo: MailAddressEntry[];
  sentAt: string | null;
  /** Whitespace collapsed: mailparser joins parts with extra newlines. */
  text: string;
  /** The text of the sanitised HTML, whitespace collapsed. */
  html: string;
  attachments: Array<{
    filename: string | null;
    contentType: string;
    size: number;
    contentId: string | null;
    part: string | null;
    isInline: boolean;
    sha256: string | null;
  }>;
}

type ViewField = keyof MessageView;

const NOT_DESCENDED = 'a message/rfc822 part marked inline is an attachment here; mailparser read its text and parts into the message';
const WINDOWS_1252_FALLBACK = 'invalid UTF-8 without a usable charset label is read as windows-1252 here, as U+FFFD by mailparser';
const SHOWN_AS_TEXT = 'a multipart whose boundary delimits no part shows its body as text here; mailparser showed nothing';
const INVALID_CONTENT_TYPE = 'an invalid Content-Type is text/plain here (RFC 2045), or the type the file name suggests; mailparser kept the string as the type';

/** Files where we deliberately differ from mailparser (or it is wrong), with the fields that differ. */
const EXPECTED_DIFFERENCES: Readonly<Record<string, { fields: ViewField[]; reason: string }>> = {
  'enmime/mail/malformed-multiple-address-header-values.raw': {
    fields: ['from'],
    reason: 'two mailboxes without a comma between them are two here, one with a garbled name there',
  },
  'enmime/mail/mime-bad-content-type.raw': { fields: ['attachments'], reason: INVALID_CONTENT_TYPE },
  'enmime/mail/mime-blank-media-name.raw': { fields: ['attachments'], reason: INVALID_CONTENT_TYPE },
  'enmime/mail/multipart-wo-boundary.raw': { fields: ['text'], reason: SHOWN_AS_TEXT },
  'enmime/parts/chardet-fail.raw': { fields: ['text'], reason: WINDOWS_1252_FALLBACK },
  'enmime/parts/chardet-success-big-5.raw': { fields: ['text'], reason: WINDOWS_1252_FALLBACK },
  'enmime/parts/chardet-success-iso-8859-1.raw': { fields: ['text'], reason: WINDOWS_1252_FALLBACK },
  'enmime/parts/empty-ctype-bad-content.raw': { fields: ['text', 'attachments'], reason: INVALID_CONTENT_TYPE },
  'mailparser/spam.eml': { fields: ['html'], reason: 'a boundary parameter splits multipart bodies only here; mailparser split a text/html body by it' },
  'mimekit-messages/feedback-report.txt': { fields: ['text', 'attachments'], reason: NOT_DESCENDED },
  'mimekit-messages/missing-subtype.txt': { fields: ['attachments'], reason: INVALID_CONTENT_TYPE },
  'mimekit-messages/stack-overflow.txt': { fields: ['to'], reason: 'a ":" inside an encoded word does not start a group here' },
  'postal-mime/arf.eml': { fields: ['text', 'attachments'], reason: NOT_DESCENDED },
  'postal-mime/mimetorture.eml': { fields: ['text', 'html', 'attachments'], reason: NOT_DESCENDED },
  'spamassassin-nice/cjk/big5-base64.1': {
    fields: ['subject', 'html'],
    reason:
      `raw Big5 subject: ${WINDOWS_1252_FALLBACK}; ` +
      'the list footer after the base64 HTML decodes to invalid Big5, replaced differently by TextDecoder and iconv-lite',
  },
  'spamassassin-nice/cjk/gb2312.1': { fields: ['subject', 'from'], reason: `raw GB2312 headers: ${WINDOWS_1252_FALLBACK}` },
  'spamassassin-nice/cjk/iso-2022-jp.2': { fields: ['text'], reason: 'EUC-JP labelled ISO-2022-JP is read as EUC-JP here; mailparser garbled it' },
  'spamassassin-nice/mime8': { fields: ['attachments'], reason: INVALID_CONTENT_TYPE },
  'spamassassin-nice/mime9': { fields: ['text', 'attachments'], reason: NOT_DESCENDED },
  'spamassassin-spam/008': { fields: ['text'], reason: WINDOWS_1252_FALLBACK },
  'spamassassin-spam/015': { fields: ['text'], reason: SHOWN_AS_TEXT },
  'spamassassin-spam/016': { fields: ['text'], reason: SHOWN_AS_TEXT },
  'spamassassin-spam/badctype1': { fields: ['text', 'attachments'], reason: INVALID_CONTENT_TYPE },
  'spamassassin-spam/badmime2.txt': { fields: ['text'], reason: SHOWN_AS_TEXT },
  'spamassassin-spam/badmime3.txt': { fields: ['text'], reason: SHOWN_AS_TEXT },
};

function fixtureFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return fixtureFiles(file);
    return /^(LICENSE|README)/i.test(entry.name) ? [] : [file];
  });
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const withoutNul = (text: string) => text.replaceAll('\u0000', '');
const sha256 = (content: Buffer | null) => (content === null ? null : crypto.createHash('sha256').update(content).digest('hex'));
const htmlText = (html: string | null) => (html === null ? '' : collapse(htmlToPlainText(html)));

/** What the mailparser-based parse.ts made of a message, mapped the way it mapped it; null when mailparser failed. */
async function mailparserView(source: Buffer): Promise<MessageView | null> {
  const mail = await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true }).catch(() => null);
  if (mail === null) return null;
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
  const references = mail.references === undefined ? [] : typeof mail.references === 'string' ? [mail.references] : mail.references;
  return {
    subject: withoutNul(mail.subject ?? ''),
    messageId: normalizeMessageId(withoutNul(mail.messageId ?? '')),
    inReplyTo: parseMessageIdList(mail.inReplyTo ? withoutNul(mail.inReplyTo) : null).at(-1) ?? null,
    references: parseMessageIdList(references.map(withoutNul)),
    from: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    bcc: addresses(mail.bcc),
    replyTo: addresses(mail.replyTo),
    sentAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    text: collapse(withoutNul(mail.text ?? '')),
    html: typeof mail.html === 'string' ? htmlText(sanitizeMailHtml(withoutNul(mail.html)).html) : '',
    attachments: mail.attachments.map((attachment) => {
      const contentId = attachment.cid ?? attachment.contentId;
      return {
        filename: attachment.filename ? withoutNul(attachment.filename) : null,
        contentType: withoutNul(attachment.contentType || 'application/octet-stream'),
        size: attachment.size,
        contentId: contentId ? normalizeMessageId(withoutNul(contentId)) : null,
        part: attachment.partId ?? '1',
        isInline: attachment.related === true,
        sha256: attachment.content.length <= MAX_STORED_ATTACHMENT_BYTES ? sha256(attachment.content) : null,
      };
    }),
  };
}

function parsedView(parsed: ParsedMessage): MessageView {
  return {
    subject: parsed.subject,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    sentAt: parsed.sentAt?.toISOString() ?? null,
    text: collapse(parsed.textBody ?? ''),
    html: htmlText(parsed.htmlBody),
    attachments: parsed.attachments.map(({ filename, contentType, size, contentId, part, isInline, content }) => ({
      filename,
      contentType,
      size,
      contentId,
      part,
      isInline,
      sha256: sha256(content),
    })),
  };
}

describe('parseMessage against mailparser on the fixture corpora', () => {
  const files = fixtureFiles(FIXTURES).map((file) => path.relative(FIXTURES, file).split(path.sep).join('/')).sort();

  it('has every listed difference among the fixtures', () => {
    expect(files.length).toBeGreaterThan(250);
    for (const file of Object.keys(EXPECTED_DIFFERENCES)) expect(files).toContain(file);
  });

  it.each(files)('%s', async (file) => {
    const source = fs.readFileSync(path.join(FIXTURES, file));
    const expected = await mailparserView(source);
    const parsed = parseMessage(source);
    if (expected === null) return;
    expect(parsed.parseError).toBeNull();
    const actual = parsedView(parsed);
    const differing = (Object.keys(expected) as ViewField[]).filter((field) => JSON.stringify(expected[field]) !== JSON.stringify(actual[field]));
    const allowed = EXPECTED_DIFFERENCES[file]?.fields ?? [];
    for (const field of differing.filter((field) => !allowed.includes(field))) expect(actual[field], field).toEqual(expected[field]);
    // A listed difference that went away leaves the list longer than the truth.
    expect(differing).toEqual(allowed);
  });
});
