import { describe, expect, it } from 'vitest';
import en from './messages/en.json';
import sv from './messages/sv.json';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

describe('message catalogs', () => {
  it('have the same keys in English and Swedish', () => {
    expect(keys(sv).sort()).toEqual(keys(en).sort());
  });

  it('call remote images by one name in Swedish', () => {
    const text = JSON.stringify(sv).toLowerCase();
    expect(text).toContain('externa bilder');
    expect(text).not.toContain('fjärrbild');
  });
});
