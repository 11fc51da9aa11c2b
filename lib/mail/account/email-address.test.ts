import { describe, expect, it } from 'vitest';
import { parseEmailAddress } from './email-address';

describe('parseEmailAddress', () => {
  it.each([
    ['jane@example.com', { address: 'jane@example.com', localPart: 'jane', domain: 'example.com' }],
    ['  Jane.Doe+crm@Example.COM ', { address: 'Jane.Doe+crm@example.com', localPart: 'Jane.Doe+crm', domain: 'example.com' }],
    ['jürgen@bücher.de', { address: 'jürgen@xn--bcher-kva.de', localPart: 'jürgen', domain: 'xn--bcher-kva.de' }],
    ["o'brien@mail.example.co.uk", { address: "o'brien@mail.example.co.uk", localPart: "o'brien", domain: 'mail.example.co.uk' }],
  ])('accepts %j', (input, expected) => {
    expect(parseEmailAddress(input)).toEqual(expected);
  });

  it.each([
    '',
    'jane',
    '@example.com',
    'jane@',
    'jane@localhost',
    'jane@example',
    'jane@@example.com',
    'ja ne@example.com',
    'jane@exa mple.com',
    'jane@example.com.',
    'jane@127.0.0.1',
    'jane@[127.0.0.1]',
    'jane@example.com:993',
    '.jane@example.com',
    'jane.@example.com',
    'ja..ne@example.com',
    '<jane@example.com>',
    'Jane <jane@example.com>',
    'jane@-example.com',
    `${'a'.repeat(65)}@example.com`,
    `jane@${'a'.repeat(250)}.com`,
  ])('rejects %j', (input) => {
    expect(parseEmailAddress(input)).toBeNull();
  });
});
