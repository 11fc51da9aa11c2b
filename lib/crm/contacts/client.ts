// Browser-safe: the contact form's rules, shared by the form and the server actions.
import { z } from 'zod';
import { listOf, optionalId, optionalText } from '@/lib/crm/shared/client';

export const phoneLabels = ['mobile', 'work', 'home', 'other'] as const;
export type PhoneLabel = (typeof phoneLabels)[number];

const emailAddress = z.string().trim().toLowerCase().max(320, 'crm.tooLong');

/**
 * The form sends `emails[]` (empty rows allowed, dropped here), `primaryEmail` (the index of the
 * primary one among the rows as sent), `phones[]` and `phoneLabels[]` side by side.
 */
export const contactFieldsSchema = z
  .object({
    firstName: optionalText(100),
    lastName: optionalText(100),
    companyId: optionalId,
    jobTitle: optionalText(200),
    ownerId: optionalId,
    notes: optionalText(10_000),
    emails: listOf(emailAddress),
    primaryEmail: z.coerce.number().int().min(0).default(0),
    phones: listOf(z.string().trim().max(50, 'crm.tooLong')),
    phoneLabels: listOf(z.enum(phoneLabels).catch('work')),
  })
  .superRefine((value, context) => {
    if (!value.firstName && !value.lastName) context.addIssue({ code: 'custom', path: ['lastName'], message: 'crm.contactNameRequired' });
    value.emails.forEach((address) => {
      if (address && !z.email().safeParse(address).success) context.addIssue({ code: 'custom', path: ['emails'], message: 'invalidEmail' });
    });
    value.phones.forEach((number) => {
      if (number && !/^[+()0-9\s./-]{3,}$/.test(number)) context.addIssue({ code: 'custom', path: ['phones'], message: 'crm.invalidPhone' });
    });
  })
  .transform((value) => {
    // The primary is the chosen row if it has an address, else the first address; duplicates collapse.
    const chosen = value.emails[value.primaryEmail];
    const addresses = [...new Set(value.emails.filter(Boolean))];
    const primary = chosen && addresses.includes(chosen) ? chosen : addresses[0];
    const emails = addresses.map((address) => ({ address, isPrimary: address === primary }));
    const phones = value.phones
      .map((number, index) => ({ number, label: value.phoneLabels[index] ?? 'work' }))
      .filter((phone) => phone.number !== '');
    return {
      firstName: value.firstName,
      lastName: value.lastName,
      companyId: value.companyId,
      jobTitle: value.jobTitle,
      ownerId: value.ownerId,
      notes: value.notes,
      emails,
      phones,
    };
  });
export type ContactFields = z.output<typeof contactFieldsSchema>;

export function contactDisplayName(contact: { firstName: string; lastName: string }): string {
  return [contact.firstName, contact.lastName].filter(Boolean).join(' ');
}
