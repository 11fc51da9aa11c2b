import { describe, expect, it } from 'vitest';
import { archiveMessagesSchema, linksFromSuggestions, type LinkSuggestion } from './client';
import { emlFilename } from './archive';
import { counterpartAddresses } from './suggestions';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('the archive dialog input', () => {
  it('drops duplicate ids and reads the checkbox pair as a boolean', () => {
    const object = { messageIds: [id(1)], companyIds: [id(2), id(2).toUpperCase()], completed: 'false', visibility: 'only_me' };
    const parsed = archiveMessagesSchema.parse(object);
    expect(parsed).toMatchObject({ messageIds: [id(1)], companyIds: [id(2)], contactIds: [], completed: false, visibility: 'only_me', date: '' });
  });

  it('refuses malformed ids, an empty selection, too many messages and impossible dates', () => {
    expect(archiveMessagesSchema.safeParse({ messageIds: ['x'] }).success).toBe(false);
    expect(archiveMessagesSchema.safeParse({ messageIds: [] }).success).toBe(false);
    expect(archiveMessagesSchema.safeParse({ messageIds: Array.from({ length: 201 }, (_, n) => id(n)) }).success).toBe(false);
    expect(archiveMessagesSchema.safeParse({ messageIds: [id(1)], date: '2026-02-30x' }).success).toBe(false);
    expect(archiveMessagesSchema.safeParse({ messageIds: [id(1)], companyIds: Array.from({ length: 51 }, (_, n) => id(n)) }).success).toBe(false);
  });

  it('turns accepted suggestions into links, each record once', () => {
    const suggestion = (kind: LinkSuggestion['kind'], n: number): LinkSuggestion => ({ kind, id: id(n), name: '', reason: { kind: 'domain', domain: 'x' }, strong: true });
    expect(linksFromSuggestions([suggestion('contact', 1), suggestion('company', 2), suggestion('contact', 1)])).toEqual({ companyIds: [id(2)], contactIds: [id(1)], projectIds: [], saleIds: [] });
  });
});

describe('archiving helpers', () => {
  it('names the original after its subject, without characters file systems refuse', () => {
    expect(emlFilename('Re: Offer 3/4 <draft>')).toBe('Re Offer 3 4 draft.eml');
    expect(emlFilename('   ')).toBe('message.eml');
    expect(emlFilename('a'.repeat(300))).toHaveLength(124);
  });

  it('takes the sender of incoming mail and the recipients of outgoing mail, never the own address', () => {
    const base = { accountAddress: 'Me@Example.test', from: [{ name: 'Me', address: 'me@example.test' }], to: [{ name: '', address: 'Anna@Acme.test' }], cc: [{ name: '', address: 'me@example.test' }] };
    expect(counterpartAddresses({ ...base, outgoing: true })).toEqual(['anna@acme.test']);
    expect(counterpartAddresses({ ...base, outgoing: false, from: [{ name: 'Bo', address: 'BO@buyer.test' }] })).toEqual(['bo@buyer.test']);
    expect(counterpartAddresses({ ...base, outgoing: false })).toEqual([]);
  });
});
