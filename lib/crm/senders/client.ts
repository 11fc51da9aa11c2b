// Browser-safe: the rules of the unknown-sender forms, shared by the dialog and the server actions.
import { z } from 'zod';
import { optionalId, optionalText } from '@/lib/crm/shared/client';

const messageAndAddress = {
  messageId: z.uuid('senders.messageGone'),
  address: z.string().trim().toLowerCase().max(320, 'crm.tooLong').pipe(z.email('invalidEmail')),
};

/**
 * "Add contact" from a message. `companyChoice` is one radio group: `domain:<id>` (a company whose
 * domain matches), `new` (create `companyName` on the spot), `other` (`companyId` from the picker) or
 * `none`.
 */
export const addSenderContactSchema = z
  .object({
    ...messageAndAddress,
    firstName: optionalText(100),
    lastName: optionalText(100),
    companyChoice: z.string().trim().default('none'),
    companyId: optionalId,
    companyName: optionalText(200),
  })
  .superRefine((value, context) => {
    if (!value.firstName && !value.lastName) context.addIssue({ code: 'custom', path: ['lastName'], message: 'crm.contactNameRequired' });
    if (value.companyChoice === 'new' && !value.companyName) context.addIssue({ code: 'custom', path: ['companyName'], message: 'crm.nameRequired' });
    if (value.companyChoice === 'other' && !value.companyId) context.addIssue({ code: 'custom', path: ['companyId'], message: 'senders.chooseCompany' });
    const domainId = value.companyChoice.startsWith('domain:') ? value.companyChoice.slice('domain:'.length) : null;
    if (!['none', 'new', 'other'].includes(value.companyChoice) && !(domainId && z.uuid().safeParse(domainId).success)) {
      context.addIssue({ code: 'custom', path: ['companyChoice'], message: 'invalidValue' });
    }
  })
  .transform(({ companyChoice, companyId, companyName, ...rest }) => {
    const company: CompanyChoice =
      companyChoice === 'new'
        ? { kind: 'new', name: companyName }
        : companyChoice === 'other'
          ? { kind: 'existing', id: companyId! }
          : companyChoice.startsWith('domain:')
            ? { kind: 'existing', id: companyChoice.slice('domain:'.length) }
            : { kind: 'none' };
    return { ...rest, company };
  });
export type AddSenderContactInput = z.output<typeof addSenderContactSchema>;
export type CompanyChoice = { kind: 'none' } | { kind: 'existing'; id: string } | { kind: 'new'; name: string };

/** "Add this address to an existing contact". */
export const addSenderAddressSchema = z.object({
  ...messageAndAddress,
  contactId: z.string().trim().pipe(z.uuid('senders.chooseContact')),
});
export type AddSenderAddressInput = z.output<typeof addSenderAddressSchema>;

/** What the dialog shows after a save: the contact, and how much of its earlier mail could be archived. */
export interface SenderSaved {
  address: string;
  contactId: string;
  contactName: string;
  earlierMail: number;
}

/** Where the earlier mail of a contact is offered for archiving (the "not archived" view). */
export function earlierMailHref(contactId: string): string {
  return `/inbox/not-archived?contact=${encodeURIComponent(contactId)}`;
}
