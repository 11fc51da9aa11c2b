import { describe, expect, it } from 'vitest';
import { composeSchema, isValidEmailAddress, MAX_SUBJECT_LENGTH, parseAddressList } from './compose-schema';

describe('parseAddressList', () => {
  it('splits at commas and semicolons and ignores empty entries', () => {
    expect(parseAddressList(' ann@example.com,bo@example.org ; cy@example.se;, ')).toEqual({
      addresses: [
        { name: '', address: 'ann@example.com' },
        { name: '', address: 'bo@example.org' },
        { name: '', address: 'cy@example.se' },
      ],
      invalid: [],
    });
  });

  it('reads display names, quoted or not, and keeps separators inside quotes whole', () => {
    expect(parseAddressList('Ann Smith <ann@example.com>, "Ek, Bo" <bo@example.com>; "Cy \\"the boss\\" Ek" <cy@example.com>')).toEqual({
      addresses: [
        { name: 'Ann Smith', address: 'ann@example.com' },
        { name: 'Ek, Bo', address: 'bo@example.com' },
        { name: 'Cy "the boss" Ek', address: 'cy@example.com' },
      ],
      invalid: [],
    });
  });

  it('accepts an address in angle brackets without a name', () => {
    expect(parseAddressList('<ann@example.com>').addresses).toEqual([{ name: '', address: 'ann@example.com' }]);
  });

  it('reports every entry that is not an address, as typed', () => {
    expect(parseAddressList('ann@example.com, bob, Cy <cy@>, dee@example.com extra, "unbalanced <e@example.com>')).toEqual({
      addresses: [{ name: '', address: 'ann@example.com' }],
      invalid: ['bob', 'Cy <cy@>', 'dee@example.com extra', '"unbalanced <e@example.com>'],
    });
  });

  it('lists an address once even when typed twice in different case', () => {
    expect(parseAddressList('ann@example.com, Ann <ANN@example.com>').addresses).toEqual([{ name: '', address: 'ann@example.com' }]);
  });

  it('returns nothing for an empty field', () => {
    expect(parseAddressList('   ')).toEqual({ addresses: [], invalid: [] });
  });
});

describe('isValidEmailAddress', () => {
  it.each(['a@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie", 'kalle@räksmörgås.se', 'x@xn--rksmrgs-5wao1o.se', 'bob@example.test'])(
    'accepts %s',
    (address) => expect(isValidEmailAddress(address)).toBe(true),
  );

  it.each([
    'plainaddress',
    '@example.com',
    'ann@',
    'ann@localhost',
    'ann@example.c',
    'ann@example..com',
    'ann..b@example.com',
    '.ann@example.com',
    'ann b@example.com',
    'ann@-example.com',
    'ann@example.123',
    `${'a'.repeat(65)}@example.com`,
    'a@b@example.com',
  ])('refuses %s', (address) => expect(isValidEmailAddress(address)).toBe(false));
});

describe('composeSchema', () => {
  const issueFor = (input: Record<string, string>) => {
    const result = composeSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => ({ field: issue.path[0], message: issue.message }));
  };

  it('turns the fields into address lists, a one-line subject and a body with \\n line ends', () => {
    const result = composeSchema.parse({
      to: 'Bob <bob@example.test>',
      cc: '',
      bcc: 'boss@example.test',
      subject: 'Offer\r\nBcc: someone@evil.example ',
      body: 'Hello\r\nBob\rbye',
    });
    expect(result).toEqual({
      to: [{ name: 'Bob', address: 'bob@example.test' }],
      cc: [],
      bcc: [{ name: '', address: 'boss@example.test' }],
      subject: 'Offer Bcc: someone@evil.example',
      body: 'Hello\nBob\nbye',
    });
  });

  it('needs at least one recipient in To, Cc or Bcc', () => {
    expect(issueFor({ to: ' , ', subject: 'Hi' })).toEqual([{ field: 'to', message: 'compose.recipientRequired' }]);
    expect(composeSchema.safeParse({ cc: 'ann@example.com' }).success).toBe(true);
  });

  it('marks each field that has an unrecognised entry', () => {
    expect(issueFor({ to: 'ann@example.com, bob', cc: 'cy@', bcc: 'dee@example.com' })).toEqual([
      { field: 'to', message: 'compose.invalidAddresses' },
      { field: 'cc', message: 'compose.invalidAddresses' },
    ]);
  });

  it(`limits the subject to ${MAX_SUBJECT_LENGTH} characters`, () => {
    expect(composeSchema.safeParse({ to: 'a@example.com', subject: 'x'.repeat(MAX_SUBJECT_LENGTH) }).success).toBe(true);
    expect(issueFor({ to: 'a@example.com', subject: 'x'.repeat(MAX_SUBJECT_LENGTH + 1) })).toEqual([
      { field: 'subject', message: 'compose.subjectTooLong' },
    ]);
  });
});
