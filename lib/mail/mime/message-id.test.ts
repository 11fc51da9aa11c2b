import { describe, expect, it } from 'vitest';
import { normalizeMessageId, parseMessageIdList, threadIdFor } from './message-id';

describe('normalizeMessageId', () => {
  it('strips brackets and surrounding whitespace', () => {
    expect(normalizeMessageId('  <abc.123@mail.example.com>\r\n')).toBe('abc.123@mail.example.com');
  });

  it('keeps the case of the local part and lower-cases the domain', () => {
    expect(normalizeMessageId('<CAF=Xy_9Q@Mail.Gmail.COM>')).toBe('CAF=Xy_9Q@mail.gmail.com');
  });

  it('removes whitespace a folded header left inside the id', () => {
    expect(normalizeMessageId('<very-long-id\r\n 123@example.com>')).toBe('very-long-id123@example.com');
  });

  it('accepts an id without brackets and one without a domain', () => {
    expect(normalizeMessageId('plain@Example.com')).toBe('plain@example.com');
    expect(normalizeMessageId('<no-domain>')).toBe('no-domain');
  });

  it('gives null for nothing usable', () => {
    expect(normalizeMessageId(undefined)).toBeNull();
    expect(normalizeMessageId('   ')).toBeNull();
    expect(normalizeMessageId('<>')).toBeNull();
  });
});

describe('parseMessageIdList', () => {
  it('splits a References header in order and drops repeats', () => {
    expect(parseMessageIdList('<a@X.org> <b@x.org>\r\n\t<a@x.org>')).toEqual(['a@x.org', 'b@x.org']);
  });

  it('finds ids between comments', () => {
    expect(parseMessageIdList("Ann's message of Mon, 1 Jan 2024 <orig@example.com> (Ann)")).toEqual(['orig@example.com']);
  });

  it('takes a parser’s array as well as bare words', () => {
    expect(parseMessageIdList(['<one@example.com>', '<two@example.com>'])).toEqual(['one@example.com', 'two@example.com']);
    expect(parseMessageIdList('one@example.com two@example.com')).toEqual(['one@example.com', 'two@example.com']);
  });
});

describe('threadIdFor', () => {
  it('prefers the root of References, then In-Reply-To, then the own id', () => {
    expect(threadIdFor({ messageId: 'c@x', inReplyTo: 'b@x', references: ['a@x', 'b@x'] })).toBe('a@x');
    expect(threadIdFor({ messageId: 'c@x', inReplyTo: 'b@x', references: [] })).toBe('b@x');
    expect(threadIdFor({ messageId: 'c@x', inReplyTo: null, references: [] })).toBe('c@x');
  });

  it('generates a distinct id for a message without any', () => {
    const first = threadIdFor({ messageId: null, inReplyTo: null, references: [] });
    const second = threadIdFor({ messageId: null, inReplyTo: null, references: [] });
    expect(first).toMatch(/^generated:/);
    expect(first).not.toBe(second);
  });
});
