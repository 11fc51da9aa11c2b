import { describe, expect, it } from 'vitest';
import { negotiateLocale } from './config';

describe('negotiateLocale', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7', 'sv'],
    ['en-US,en;q=0.9,sv;q=0.8', 'en'],
    ['de-DE,de;q=0.9,sv;q=0.5', 'sv'],
    ['de-DE,fr;q=0.9', 'en'],
    ['en;q=0.2,sv;q=0.8', 'sv'],
    ['sv;q=0,en', 'en'],
    ['SV', 'sv'],
    ['*', 'en'],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
