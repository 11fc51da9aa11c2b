'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authenticatedAction, type AuthenticatedContext } from '@/lib/actions/action';
import { countEarlierMailForContact } from '@/lib/crm/senders';
import { versionField } from '@/lib/crm/shared/client';
import { contactFieldsSchema } from './client';
import { createContact, deleteContact, updateContact } from './service';

export const createContactAction = authenticatedAction('crm.contact.create', contactFieldsSchema, async (input, context) => {
  const { id } = await createContact(context.db, context.user, input);
  revalidatePath('/contacts');
  redirect(await contactPageAfterSave(context, id, input.emails.map((email) => email.address)));
});

/**
 * The contact's page; when the addresses it just got have mail in the user's mailbox, with those
 * addresses, so the page offers that earlier mail for archiving (once, not on every visit).
 */
async function contactPageAfterSave({ db, user }: AuthenticatedContext, id: string, addedAddresses: string[]): Promise<string> {
  if (addedAddresses.length === 0) return `/contacts/${id}`;
  const earlier = await countEarlierMailForContact(db, user, id, { addresses: addedAddresses });
  return earlier.count > 0 ? `/contacts/${id}?added=${encodeURIComponent(earlier.addresses.join(','))}` : `/contacts/${id}`;
}

const idAndVersion = z.object({ id: z.uuid('crm.notFound'), version: versionField });

export const updateContactAction = authenticatedAction(
  'crm.contact.update',
  z.intersection(idAndVersion, contactFieldsSchema),
  async ({ id, version, ...input }, context) => {
    const { addedEmails } = await updateContact(context.db, context.user, id, version, input);
    revalidatePath('/contacts');
    redirect(await contactPageAfterSave(context, id, addedEmails));
  },
);

export const deleteContactAction = authenticatedAction('crm.contact.delete', z.object({ id: z.uuid('crm.notFound') }), async ({ id }, { db, user }) => {
  await deleteContact(db, user, id);
  revalidatePath('/contacts');
  redirect('/contacts');
});
