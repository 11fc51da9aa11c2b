import { describe, expect, it } from 'vitest';
import { FieldNames, fieldText, readHeaderBlock } from './headers';

const FIELDS = new FieldNames(['subject', 'to', 'content-type', 'x-long-field-name']);

function read(text: string) {
  const source = Buffer.from(text, 'latin1');
  const block = readHeaderBlock(source, 0, source.length, FIELDS);
  const fields = Object.fromEntries(block.fields);
  return { fields, body: source.subarray(block.bodyStart).toString('latin1') };
}

describe('readHeaderBlock', () => {
  it('reads fields up to the empty line, with CRLF or bare LF line ends', () => {
    expect(read('Subject: Hi\r\nTo: a@x\r\n\r\nBody\r\n')).toEqual({ fields: { subject: ['Hi'], to: ['a@x'] }, body: 'Body\r\n' });
    expect(read('Subject: Hi\nTo: a@x\n\nBody\n')).toEqual({ fields: { subject: ['Hi'], to: ['a@x'] }, body: 'Body\n' });
  });

  it('unfolds continuation lines into one space each', () => {
    expect(read('Subject: one\r\n  two\r\n\tthree\r\n\r\n').fields).toEqual({ subject: ['one two three'] });
  });

  it('keeps every occurrence of a repeated field, in order', () => {
    expect(read('To: a@x\r\nSubject: first\r\nTo: b@x\r\nSubject: second\r\n\r\n').fields).toEqual({ to: ['a@x', 'b@x'], subject: ['first', 'second'] });
  });

  it('matches names in any case, with whitespace before the colon, and skips the rest', () => {
    expect(read('SUBJECT : Hi\r\nX-Other: y\r\nCONTENT-type:text/plain\r\n\r\n').fields).toEqual({ subject: ['Hi'], 'content-type': ['text/plain'] });
  });

  it('skips lines without a colon, an mbox From line, and continuation lines after them', () => {
    expect(read('From sender@x Mon Jan 1 00:00:00 2024\r\ngarbage line\r\n continued: not a field\r\nSubject: Hi\r\n\r\n').fields).toEqual({ subject: ['Hi'] });
  });

  it('reads a first line with stray indentation as a field', () => {
    expect(read(' Subject: Hi\r\nTo: a@x\r\n\r\n').fields).toEqual({ subject: ['Hi'], to: ['a@x'] });
  });

  it('reads a message without a body, or with nothing but the empty line', () => {
    expect(read('Subject: only headers')).toEqual({ fields: { subject: ['only headers'] }, body: '' });
    expect(read('\r\nSubject: body, not a field')).toEqual({ fields: {}, body: 'Subject: body, not a field' });
    expect(read('')).toEqual({ fields: {}, body: '' });
  });

  it('reads a header of a million lines in one pass', () => {
    const source = Buffer.from(`${'X-Spam: yes\r\n'.repeat(1_000_000)}Subject: Hi\r\n\r\n`, 'latin1');
    const started = performance.now();
    const block = readHeaderBlock(source, 0, source.length, FIELDS);
    expect(block.fields.get('subject')).toEqual(['Hi']);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('fieldText', () => {
  const text = (bytes: Buffer) => fieldText(bytes, 0, bytes.length);

  it('reads raw 8-bit bytes as UTF-8 when valid, else windows-1252', () => {
    expect(text(Buffer.from(' Grüße \r\n', 'utf8'))).toBe('Grüße');
    expect(text(Buffer.from([0x20, 0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]))).toBe('Grüße');
    expect(fieldText(Buffer.from('Subject: Hi \r\n'), 8, 13)).toBe('Hi');
  });
});
