import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, MAX_PARTS, parseMime, splitMultipart, type MimeAttachment } from './mime';

const message = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

/** The attachment fields worth comparing, content as text. */
const summary = ({ content, ...rest }: MimeAttachment) => ({ ...rest, content: content.toString('latin1') });

describe('parseMime headers', () => {
  it('reads the message headers', () => {
    const parsed = parseMime(
      message(
        'From: "Ann Example" <ann@example.com>',
        'To: bob@example.com',
        'Cc: =?utf-8?Q?=C3=85sa?= <asa@example.se>',
        'To: Team: cid@example.com;',
        'Reply-To: replies@example.com',
        'Subject: =?utf-8?q?Offert_f=C3=B6r?=',
        '  =?utf-8?q?_v=C3=A5ren?=',
        'Date: Tue, 02 Apr 2024 10:00:00 +0200',
        'Message-ID: <offer-1@example.com>',
        'In-Reply-To: <root@example.com>',
        'References: <root@example.com>',
        'References: <middle@example.com>',
        '',
        'Hello',
      ),
    );
    expect(parsed).toMatchObject({
      subject: 'Offert för våren',
      from: [{ name: 'Ann Example', address: 'ann@example.com' }],
      to: [
        { name: '', address: 'bob@example.com' },
        { name: '', address: 'cid@example.com' },
      ],
      cc: [{ name: 'Åsa', address: 'asa@example.se' }],
      bcc: [],
      replyTo: [{ name: '', address: 'replies@example.com' }],
      date: new Date('2024-04-02T08:00:00Z'),
      messageId: '<offer-1@example.com>',
      inReplyTo: '<root@example.com>',
      references: ['<root@example.com>', '<middle@example.com>'],
      text: 'Hello',
      html: null,
      attachments: [],
      problem: null,
    });
  });

  it('takes the first non-empty Subject, Date and From when they repeat', () => {
    const parsed = parseMime(message('Subject:', 'Subject: first', 'Subject: second', 'From: a@x', 'From: b@x', 'Date: garbage', 'Date: 2 Apr 2024 10:00 +0000', '', ''));
    expect(parsed.subject).toBe('first');
    expect(parsed.from).toEqual([{ name: '', address: 'a@x' }]);
    expect(parsed.date).toBeNull();
  });

  it('reads a message that is nothing but headers, or nothing at all', () => {
    expect(parseMime(Buffer.from('Subject: only'))).toMatchObject({ subject: 'only', text: null, html: null, attachments: [] });
    expect(parseMime(Buffer.alloc(0))).toMatchObject({ subject: null, from: [], date: null, text: null, attachments: [], problem: null });
  });
});

describe('parseMime bodies', () => {
  it('decodes a text part by its transfer encoding and charset, with LF line ends', () => {
    const parsed = parseMime(
      message('Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'Gr=FC=DFe aus K=F6ln,=', ' Ann', 'Zeile 2', ''),
    );
    expect(parsed.text).toBe('Grüße aus Köln, Ann\nZeile 2\n');
  });

  it('joins text parts with a newline and HTML parts with a line break, wherever they stand', () => {
    const parsed = parseMime(
      message(
        'Content-Type: multipart/mixed; boundary=outer',
        '',
        '--outer',
        'Content-Type: multipart/alternative; boundary=inner',
        '',
        '--inner',
        'Content-Type: text/plain',
        '',
        'plain one',
        '--inner',
        'Content-Type: text/html',
        '',
        '<p>html one</p>',
        '--inner--',
        '--outer',
        'Content-Type: text/plain',
        'Content-Disposition: inline',
        '',
        'plain two',
        '--outer',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('<p>html två</p>').toString('base64'),
        '--outer--',
      ),
    );
    expect(parsed.text).toBe('plain one\nplain two');
    expect(parsed.html).toBe('<p>html one</p><br/>\n<p>html två</p>');
    expect(parsed.attachments).toEqual([]);
  });

  it('reads a delivery report as text', () => {
    const parsed = parseMime(
      message(
        'Content-Type: multipart/report; report-type=delivery-status; boundary=r',
        '',
        '--r',
        '',
        'Delivery failed.',
        '--r',
        'Content-Type: message/delivery-status',
        '',
        'Status: 5.1.1',
        '--r--',
      ),
    );
    expect(parsed.text).toBe('Delivery failed.\nStatus: 5.1.1');
  });

  it('decodes format=flowed text', () => {
    const parsed = parseMime(
      message(
        'Content-Type: text/plain; format=flowed; delsp=no',
        '',
        'A paragraph that was ',
        'wrapped by the sender.',
        '> quoted text ',
        '> goes on',
        ' From stuffed',
        '-- ',
        'Signature',
      ),
    );
    expect(parsed.text).toBe('A paragraph that was wrapped by the sender.\n> quoted text goes on\nFrom stuffed\n-- \nSignature');
    const deleteSpace = parseMime(message('Content-Type: text/plain; format=flowed; delsp=yes', '', 'Zusammen ', 'geschrieben'));
    expect(deleteSpace.text).toBe('Zusammengeschrieben');
  });
});

describe('parseMime attachments', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('numbers parts as IMAP does and describes each attachment', () => {
    const parsed = parseMime(
      message(
        'Content-Type: multipart/mixed; boundary="mix"',
        '',
        'This is a multi-part message in MIME format.',
        '--mix',
        'Content-Type: multipart/related; boundary=rel',
        '',
        '--rel',
        'Content-Type: text/html',
        '',
        '<img src="cid:logo@x">',
        '--rel',
        'Content-Type: image/png; name=logo.png',
        'Content-ID: <logo@x>',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--rel',
        'Content-Type: image/png',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--rel--',
        '--mix',
        'Content-Type: application/octet-stream; name="=?utf-8?Q?R=C3=A9sum=C3=A9.pdf?="',
        'Content-Disposition: ATTACHMENT;',
        " filename*=utf-8''R%C3%A9sum%C3%A9.pdf",
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4').toString('base64'),
        '--mix',
        'Content-Type: message/rfc822',
        '',
        'Subject: forwarded',
        '',
        'inner text is not the message text',
        '--mix--',
        'epilogue',
      ),
    );
    expect(parsed.text).toBeNull();
    expect(parsed.html).toBe('<img src="cid:logo@x">');
    expect(parsed.attachments.map(summary)).toEqual([
      {
        filename: 'logo.png',
        contentType: 'image/png',
        size: png.length,
        contentId: '<logo@x>',
        disposition: null,
        related: true,
        partId: '1.2',
        content: png.toString('latin1'),
      },
      { filename: null, contentType: 'image/png', size: png.length, contentId: null, disposition: null, related: false, partId: '1.3', content: png.toString('latin1') },
      { filename: 'Résumé.pdf', contentType: 'application/pdf', size: 8, contentId: null, disposition: 'attachment', related: false, partId: '2', content: '%PDF-1.4' },
      {
        filename: null,
        contentType: 'message/rfc822',
        size: 56,
        contentId: null,
        disposition: null,
        related: false,
        partId: '3',
        content: 'Subject: forwarded\r\n\r\ninner text is not the message text',
      },
    ]);
  });

  it('calls the body of a message without multipart part 1', () => {
    const parsed = parseMime(message('Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', 'JVBERg=='));
    expect(parsed.attachments.map(summary)).toEqual([
      { filename: null, contentType: 'application/pdf', size: 4, contentId: null, disposition: null, related: false, partId: '1', content: '%PDF' },
    ]);
  });

  it('tells attachments from text the way mail clients do', () => {
    const part = (headers: string[], body = 'content') => ['--b', ...headers, '', body];
    const parsed = parseMime(
      message(
        'Content-Type: multipart/mixed; boundary=b',
        '',
        ...part(['Content-Type: text/plain', 'Content-Disposition: attachment; filename=notes.txt']),
        ...part(['Content-Type: text/plain; name=inline.txt'], 'shown as text'),
        ...part(['Content-Type: text/html', 'Content-Disposition: something-else']),
        ...part(['Content-Type: text/calendar']),
        ...part(['Content-Disposition: attachment; filename=photo.JPG']),
        ...part(['Content-Disposition: attachment']),
        ...part(['Content-Type: application-x-gzip; name=data.gz']),
        ...part(['Content-Type: application/pdf name=broken.pdf']),
        '--b--',
      ),
    );
    expect(parsed.text).toBe('shown as text');
    expect(parsed.attachments.map((attachment) => [attachment.partId, attachment.contentType, attachment.filename, attachment.disposition])).toEqual([
      ['1', 'text/plain', 'notes.txt', 'attachment'],
      ['3', 'text/html', null, 'something-else'],
      ['4', 'text/calendar', null, null],
      ['5', 'image/jpeg', 'photo.JPG', 'attachment'],
      ['6', 'application/octet-stream', null, 'attachment'],
      ['7', 'application/gzip', 'data.gz', null],
      ['8', 'application/pdf', null, null],
    ]);
  });

  it('reads the parts of a digest as messages', () => {
    const parsed = parseMime(message('Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: one', '', 'first', '--d--'));
    expect(parsed.attachments.map((attachment) => [attachment.partId, attachment.contentType])).toEqual([['1', 'message/rfc822']]);
  });
});

describe('splitMultipart', () => {
  const split = (body: string, boundary = 'b') => {
    const source = Buffer.from(body, 'latin1');
    return splitMultipart(source, 0, source.length, boundary).map(([start, end]) => body.slice(start, end));
  };

  it('splits by delimiter lines, the line break before each belonging to the delimiter', () => {
    expect(split('preamble\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n\r\n--b--\r\nepilogue\r\n--b\r\n\r\nnot a part')).toEqual(['\r\none', '\r\ntwo\r\n']);
    expect(split('--b\n\none\n--b--\n')).toEqual(['\none']);
  });

  it('accepts whitespace after a delimiter but not other text, nor a delimiter inside a line', () => {
    expect(split('--b \t\r\n\r\none\r\n--bb\r\nx --b\r\n--b--  \r\n')).toEqual(['\r\none\r\n--bb\r\nx --b']);
  });

  it('ignores a closing delimiter in the preamble', () => {
    expect(split('--b--\r\n--b\r\n\r\none\r\n--b--')).toEqual(['\r\none']);
  });

  it('ends a part that is never closed with the body, and keeps empty parts', () => {
    expect(split('--b\r\n\r\none\r\n--b\r\n--b\r\n\r\nlast')).toEqual(['\r\none', '', '\r\nlast']);
  });

  it('finds nothing when no delimiter line is there', () => {
    expect(split('just text\r\n--other\r\n')).toEqual([]);
  });
});

describe('parseMime broken structure', () => {
  it('shows the body of a multipart as text when it has no usable boundary', () => {
    expect(parseMime(message('Content-Type: multipart/mixed', '', 'no boundary given')).text).toBe('no boundary given');
    expect(parseMime(message('Content-Type: multipart/mixed; boundary=b', '', 'boundary never used')).text).toBe('boundary never used');
    expect(parseMime(message('Content-Type: multipart/mixed; boundary=b\u00e9', '', '--b\u00e9', '', 'x')).text).toBe('--bé\n\nx');
  });

  it('lets an outer delimiter end an inner multipart that is never closed', () => {
    const parsed = parseMime(
      message(
        'Content-Type: multipart/mixed; boundary=outer',
        '',
        '--outer',
        'Content-Type: multipart/alternative; boundary=inner',
        '',
        '--inner',
        '',
        'inner text',
        '--outer',
        '',
        'outer text',
        '--outer--',
      ),
    );
    expect(parsed.text).toBe('inner text\nouter text');
  });

  it('reads an empty part as nothing', () => {
    expect(parseMime(message('Content-Type: multipart/mixed; boundary=b', '', '--b', '--b', '', '--b--'))).toMatchObject({ text: null, attachments: [], problem: null });
  });

  it('stops at the nesting limit and reports it', () => {
    const depth = MAX_NESTING_DEPTH + 10;
    const lines = ['Content-Type: multipart/mixed; boundary=b0', ''];
    for (let level = 0; level < depth; level++) lines.push(`--b${level}`, `Content-Type: multipart/mixed; boundary=b${level + 1}`, '');
    lines.push(`--b${depth}`, '', 'deep text');
    const parsed = parseMime(message(...lines));
    expect(parsed.text).toBeNull();
    expect(parsed.problem).toContain('deeper');
  });

  it('stops at the part limit and reports it', () => {
    const lines = ['Content-Type: multipart/mixed; boundary=b', ''];
    for (let index = 0; index < MAX_PARTS + 5; index++) lines.push('--b', 'Content-Type: application/octet-stream', '', 'x');
    const parsed = parseMime(message(...lines));
    expect(parsed.attachments).toHaveLength(MAX_PARTS);
    expect(parsed.problem).toContain(`${MAX_PARTS} parts`);
  });
});

describe('parseMime robustness', () => {
  it('parses any bytes without throwing', () => {
    for (let seed = 0; seed < 200; seed++) {
      const garbage = crypto.randomBytes(seed * 37);
      expect(() => parseMime(garbage)).not.toThrow();
      // Garbage that looks a little like MIME.
      const mimeish = Buffer.concat([
        Buffer.from(`Content-Type: multipart/mixed; boundary=x${seed % 3}\r\n\r\n--x0\r\nContent-Transfer-Encoding: base64\r\n`),
        garbage,
        Buffer.from('\r\n--x0\r\n=?utf-8?B?'),
      ]);
      expect(() => parseMime(mimeish)).not.toThrow();
    }
  });

  it('reads a 30 MB message in linear time', () => {
    const attachment = crypto.randomBytes(22 * 1024 * 1024);
    const source = message(
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'See attachment.',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      attachment.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b--',
    );
    const started = performance.now();
    const parsed = parseMime(source);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(parsed.attachments[0]!.content.equals(attachment)).toBe(true);
  });

  it('reads a million-line header in bounded time', () => {
    const source = Buffer.from(`Subject: Hi\r\n${'Received: by relay\r\n\tfor <a@example.com>\r\nTo: a@example.com\r\n'.repeat(300_000)}\r\nbody`);
    const started = performance.now();
    const parsed = parseMime(source);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(parsed.to).toHaveLength(300_000);
    expect(parsed.text).toBe('body');
  });
});
