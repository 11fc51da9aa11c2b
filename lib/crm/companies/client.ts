// Browser-safe: the company form's rules, shared by the form and the server actions.
import { z } from 'zod';
import { optionalId, optionalText } from '@/lib/crm/shared/client';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** "https://www.Example.com/, @example.se" → ["example.com", "example.se"]; the same rule as the server's. */
export function parseDomains(text: string): string[] {
  const domains = text
    .split(/[\s,;]+/)
    .map((domain) =>
      domain
        .trim()
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/^@/, '')
        .replace(/^www\./, '')
        .replace(/[/?#].*$/, '')
        .replace(/\.$/, ''),
    )
    .filter(Boolean);
  return [...new Set(domains)];
}

export const companyFieldsSchema = z.object({
  name: z.string('crm.nameRequired').trim().min(1, 'crm.nameRequired').max(200, 'crm.tooLong'),
  domains: z
    .string()
    .default('')
    .transform(parseDomains)
    .refine((domains) => domains.every((domain) => DOMAIN.test(domain)), 'crm.invalidDomain')
    .refine((domains) => domains.length <= 20, 'crm.tooManyDomains'),
  phone: optionalText(50),
  street: optionalText(200),
  postalCode: optionalText(20),
  city: optionalText(100),
  country: optionalText(100),
  website: optionalText(300).refine((value) => value === '' || /^(https?:\/\/)?[^\s/]+\.[^\s]+$/i.test(value), 'crm.invalidWebsite'),
  category: optionalText(100),
  ownerId: optionalId,
  notes: optionalText(10_000),
});
export type CompanyFields = z.output<typeof companyFieldsSchema>;

export const companyDeleteSchema = z.object({
  id: z.uuid('crm.notFound'),
  related: z.enum(['unlink', 'delete'], 'crm.chooseRelated'),
});

