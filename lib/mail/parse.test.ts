import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { attachmentUrl, htmlToPlainText, MAX_STORED_ATTACHMENT_BYTES, parseMessage, type MessageParser } from './parse';

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
    const parsed = await parseMessage(simple);
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
    const parsed = await parseMessage(
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
    const parsed = await parseMessage(
      Buffer.from('From: a@example.test\r\nSubject: News\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Autumn <b>offers</b> inside</p>'),
    );
    expect(parsed.textBody).toBeNull();
    expect(parsed.snippet).toBe('Autumn offers inside');
    expect(parsed.searchText).toContain('offers');
  });

  it('keeps large attachments out of the row but remembers their part', async () => {
    const big = Buffer.alloc(MAX_STORED_ATTACHMENT_BYTES + 1, 'a');
    const parsed = await parseMessage(
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
    const failsOnBodies: MessageParser = async (source, options) => {
      if (!source.toString().endsWith('\r\n\r\n')) throw new Error('broken body');
      return simpleParser(source, options);
    };
    const parsed = await parseMessage(simple, failsOnBodies);
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
    const alwaysFails: MessageParser = async () => {
      throw new Error('parser gave up');
    };
    const parsed = await parseMessage(simple, alwaysFails);
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
    const parsed = await parseMessage(message(['Subject: lonely', '', 'text']));
    expect(parsed.messageId).toBeNull();
    expect(parsed.threadId).toMatch(/^generated:/);
  });
});

describe('htmlToPlainText', () => {
  it('drops markup, scripts and styles and decodes entities', () => {
    expect(htmlToPlainText('<style>x{}</style><p>A&amp;B&#229;&#x263A;</p><script>bad()</script>').trim()).toBe('A&Bå☺');
  });
});
