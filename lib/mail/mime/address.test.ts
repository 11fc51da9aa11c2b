import { describe, expect, it } from 'vitest';
import { parseAddressList } from './address';

describe('parseAddressList', () => {
  it('reads names and addresses the way RFC 5322 writes them', () => {
    expect(parseAddressList('"Ann Example" <ann@example.com>, Bob <bob@example.com>')).toEqual([
      { name: 'Ann Example', address: 'ann@example.com' },
      { name: 'Bob', address: 'bob@example.com' },
    ]);
    expect(parseAddressList('"Ann \\"The Boss\\" Example" <ann@example.com>')).toEqual([{ name: 'Ann "The Boss" Example', address: 'ann@example.com' }]);
    expect(parseAddressList('"Doe, John" <john@example.com>')).toEqual([{ name: 'Doe, John', address: 'john@example.com' }]);
    expect(parseAddressList('<ann@example.com>')).toEqual([{ name: '', address: 'ann@example.com' }]);
  });

  it('flattens groups into their members and reads an empty group as nobody', () => {
    expect(parseAddressList('Team: bob@example.com, "Cid" <cid@example.com>;, dave@example.com')).toEqual([
      { name: '', address: 'bob@example.com' },
      { name: 'Cid', address: 'cid@example.com' },
      { name: '', address: 'dave@example.com' },
    ]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([]);
    expect(parseAddressList('G1: a@x;, G2: b@x, c@x;')).toEqual([
      { name: '', address: 'a@x' },
      { name: '', address: 'b@x' },
      { name: '', address: 'c@x' },
    ]);
  });

  it('takes a comment as the name when there is no other', () => {
    expect(parseAddressList('ann@example.com (Ann Example)')).toEqual([{ name: 'Ann Example', address: 'ann@example.com' }]);
    expect(parseAddressList('Ann Example <ann@example.com> (work)')).toEqual([{ name: 'Ann Example', address: 'ann@example.com' }]);
    expect(parseAddressList('(just (a) comment)')).toEqual([{ name: 'just (a) comment', address: '' }]);
  });

  it('decodes encoded words in names, quoted or not', () => {
    expect(parseAddressList('=?utf-8?Q?=C3=85sa?= <asa@example.se>, "=?iso-8859-1?Q?J=F6rg?=" <j@example.de>')).toEqual([
      { name: 'Åsa', address: 'asa@example.se' },
      { name: 'Jörg', address: 'j@example.de' },
    ]);
    // RFC 2047 forbids ":" in such a word; it still does not start a group.
    expect(parseAddressList('=?utf-8?Q?Team:_Sales?= <sales@example.com>')).toEqual([{ name: 'Team: Sales', address: 'sales@example.com' }]);
  });

  it('accepts an encoded address only when it decodes to a plain address', () => {
    expect(parseAddressList('A <=?utf-8?Q?ann?=@example.com>')).toEqual([{ name: 'A', address: 'ann@example.com' }]);
    expect(parseAddressList('Mallory <=?utf-8?Q?a=40b?=@evil.example>')).toEqual([{ name: 'Mallory', address: '' }]);
  });

  it('keeps an address whose "=?" starts no encoded word (found by fuzzing against mailparser)', () => {
    expect(parseAddressList('=?a.a@a.aa')).toEqual([{ name: '', address: '=?a.a@a.aa' }]);
    expect(parseAddressList('Bob <x=?y@example.com>')).toEqual([{ name: 'Bob', address: 'x=?y@example.com' }]);
  });

  it('reads internationalised domains as Unicode', () => {
    expect(parseAddressList('x@xn--bcher-kva.example')).toEqual([{ name: '', address: 'x@bücher.example' }]);
  });

  it('copes with what broken mailers write', () => {
    expect(parseAddressList('ann@example.com')).toEqual([{ name: '', address: 'ann@example.com' }]);
    expect(parseAddressList('Ann ann@example.com')).toEqual([{ name: 'Ann', address: 'ann@example.com' }]);
    expect(parseAddressList('Ann <ann@example.com')).toEqual([{ name: 'Ann', address: 'ann@example.com' }]);
    expect(parseAddressList('Doe, John <john@example.com>')).toEqual([{ name: 'Doe, John', address: 'john@example.com' }]);
    expect(parseAddressList('ann@example.com; bob@example.com, , ')).toEqual([
      { name: '', address: 'ann@example.com' },
      { name: '', address: 'bob@example.com' },
    ]);
    expect(parseAddressList('Bob Dunite <bob@extern> Bobby Dunite <bobby@extern>')).toEqual([
      { name: 'Bob Dunite', address: 'bob@extern' },
      { name: 'Bobby Dunite', address: 'bobby@extern' },
    ]);
    expect(parseAddressList('Foo <Bar <foo@bar>')).toEqual([{ name: 'Foo', address: 'foo@bar' }]);
    expect(parseAddressList('ann@example.com <ann@example.com>')).toEqual([{ name: '', address: 'ann@example.com' }]);
    expect(parseAddressList('just a name')).toEqual([{ name: 'just a name', address: '' }]);
    expect(parseAddressList('')).toEqual([]);
  });

  it('never takes an address out of a quoted name', () => {
    expect(parseAddressList('"ann@example.com via Forum" <forum@example.org>')).toEqual([{ name: 'ann@example.com via Forum', address: 'forum@example.org' }]);
    expect(parseAddressList('"Ann ann@example.com"')).toEqual([{ name: 'Ann ann@example.com', address: '' }]);
  });

  it('takes linear time on hostile lists', () => {
    const started = performance.now();
    parseAddressList(`${'a, '.repeat(100_000)}Last <last@example.com>`);
    parseAddressList('<a@x> '.repeat(100_000));
    parseAddressList('"'.repeat(100_000));
    parseAddressList('('.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
