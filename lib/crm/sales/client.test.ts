import { describe, expect, it } from 'vitest';
import { projectStatus, saleStage, timelineEventKind } from '@/db/schema';
import { projectStatuses } from '@/lib/crm/projects/client';
import { timelineKinds } from '@/lib/crm/timeline/client';
import { formatAmount, isCurrencyCode, normaliseAmount, saleFieldsSchema, saleStages } from './client';

describe('sale amounts', () => {
  it('reads amounts as people type them into exact two-decimal strings', () => {
    expect(normaliseAmount('12 500,50')).toBe('12500.50');
    expect(normaliseAmount('12,500.5')).toBe('12500.50');
    expect(normaliseAmount('1.234.567,89')).toBe('1234567.89');
    expect(normaliseAmount('0,1')).toBe('0.10');
    expect(normaliseAmount('9999999999999999.99')).toBe('9999999999999999.99');
    expect(normaliseAmount('')).toBe('0.00');
    expect(normaliseAmount('1.234')).toBeNull();
    expect(normaliseAmount('12abc')).toBeNull();
    expect(normaliseAmount('12345678901234567')).toBeNull();
  });

  it('accepts ISO 4217 currencies only, in any case', () => {
    expect(isCurrencyCode('SEK')).toBe(true);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(saleFieldsSchema.parse({ title: 'Deal', amount: '5', currency: 'eur', probability: '40' })).toMatchObject({ currency: 'EUR', amount: '5.00', stage: 'lead' });
    expect(saleFieldsSchema.safeParse({ title: 'Deal', amount: '-5', currency: 'EUR', probability: '40' }).success).toBe(false);
    expect(saleFieldsSchema.safeParse({ title: 'Deal', amount: '5', currency: 'EUR', probability: '101' }).success).toBe(false);
  });

  it('formats without going through a float', () => {
    expect(formatAmount('9999999999999999.99', 'SEK', 'en')).toContain('9,999,999,999,999,999.99');
    expect(formatAmount('12500.50', 'SEK', 'sv').replace(/\s/g, ' ')).toBe('12 500,50 kr');
  });
});

describe('browser-safe lists', () => {
  it('match the database enums', () => {
    expect([...saleStages]).toEqual(saleStage.enumValues);
    expect([...projectStatuses]).toEqual(projectStatus.enumValues);
    expect([...timelineKinds]).toEqual(timelineEventKind.enumValues);
  });
});
