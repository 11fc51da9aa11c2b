// Browser-safe: the sale form's rules, shared by the form and the server actions.
import { z } from 'zod';
import { optionalDate, optionalId, optionalText } from '@/lib/crm/shared/client';

/** The same list as the sale_stage enum, in pipeline order (a unit test keeps them equal). */
export const saleStages = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type SaleStageName = (typeof saleStages)[number];

/** What a new sale in each stage is usually worth, as in most CRMs' default pipelines. */
export const defaultProbability: Record<SaleStageName, number> = { lead: 10, qualified: 25, proposal: 50, negotiation: 75, won: 100, lost: 0 };

let currencyCodes: Set<string> | null = null;
/** ISO 4217 codes as the runtime knows them (Intl), so no list is kept by hand. */
export function isCurrencyCode(code: string): boolean {
  currencyCodes ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Z]{3}$/.test(code) && currencyCodes.has(code);
}

/**
 * "12 500,50", "12,500.50" or "12500.5" → "12500.50": an exact decimal string with two places,
 * never through a float. Null when it is not an amount.
 */
export function normaliseAmount(text: string): string | null {
  let value = text.replace(/[\s\u00a0']/g, '');
  if (value === '') return '0.00';
  const lastComma = value.lastIndexOf(',');
  const lastDot = value.lastIndexOf('.');
  if (lastComma > lastDot) value = value.replace(/\./g, '').replace(',', '.');
  else value = value.replace(/,/g, '');
  const match = /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return null;
  const whole = match[2]!.replace(/^0+(?=\d)/, '');
  return `${match[1] && whole !== '0' ? '-' : ''}${whole}.${(match[3] ?? '').padEnd(2, '0')}`;
}

export const saleFieldsSchema = z.object({
  title: z.string('crm.titleRequired').trim().min(1, 'crm.titleRequired').max(200, 'crm.tooLong'),
  companyId: optionalId,
  contactId: optionalId,
  amount: z
    .string()
    .default('')
    .transform((value, context) => {
      const amount = normaliseAmount(value);
      if (amount === null || amount.startsWith('-')) {
        context.addIssue({ code: 'custom', message: 'crm.invalidAmount' });
        return z.NEVER;
      }
      return amount;
    }),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCurrencyCode, 'crm.invalidCurrency'),
  stage: z.enum(saleStages, 'invalidValue').default('lead'),
  probability: z.coerce.number('crm.invalidProbability').int('crm.invalidProbability').min(0, 'crm.invalidProbability').max(100, 'crm.invalidProbability'),
  expectedCloseDate: optionalDate,
  ownerId: optionalId,
  notes: optionalText(10_000),
});
export type SaleFields = z.output<typeof saleFieldsSchema>;

/** An amount in the user's language: "12 500,00 kr" in Swedish, "SEK 12,500.00" in English; exact, from the decimal string. */
export function formatAmount(amount: string, currency: string, locale: string): string {
  try {
    // Intl takes a decimal string exactly (no float in between) since ES2023.
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as unknown as number);
  } catch {
    return `${amount} ${currency}`;
  }
}
