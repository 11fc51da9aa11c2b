import { describe, expect, it } from 'vitest';
import { baseSubject, forwardSubject, replySubject } from './subject';

describe('replySubject', () => {
  it.each([
    ['Offer', 'Re: Offer'],
    ['Re: Offer', 'Re: Offer'],
    ['RE: Offer', 'Re: Offer'],
    ['Re: Re: Offer', 'Re: Offer'],
    ['SV: Offer', 'Re: Offer'],
    ['Sv: Re: SV: Offer', 'Re: Offer'],
    ['AW: Angebot', 'Re: Angebot'],
    ['Antw: Offerte', 'Re: Offerte'],
    ['Re[2]: Offer', 'Re: Offer'],
    ['Re(3): Offer', 'Re: Offer'],
    ['Fwd: Offer', 'Re: Offer'],
    ['VB: Offer', 'Re: Offer'],
    ['WG: Angebot', 'Re: Angebot'],
    ['[sales] Re: Offer', '[sales] Re: Offer'],
    ['', 'Re:'],
    ['Reminder: meeting', 'Re: Reminder: meeting'],
    ['Svar på frågan', 'Re: Svar på frågan'],
  ])('%j → %j', (subject, expected) => expect(replySubject(subject)).toBe(expected));
});

describe('forwardSubject', () => {
  it.each([
    ['Offer', 'Fwd: Offer'],
    ['Fwd: Offer', 'Fwd: Offer'],
    ['FW: Offer', 'Fwd: Offer'],
    ['VS: Re: Offer', 'Fwd: Offer'],
    ['WG: AW: Angebot', 'Fwd: Angebot'],
  ])('%j → %j', (subject, expected) => expect(forwardSubject(subject)).toBe(expected));
});

it('baseSubject keeps words that only start like a prefix', () => {
  expect(baseSubject('Fwding instructions')).toBe('Fwding instructions');
  expect(baseSubject('Re: Rent')).toBe('Rent');
});
