'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { versionField } from '@/lib/crm/shared/client';
import { contactFieldsSchema } from './client';
import { createContact, deleteContact, updateContact } from './service';

export const createContactAction = authenticatedAction('crm.contact.create', contactFieldsSchema, async (input, { db, user }) => {
  const { id } = await createContact(db, user, input);
  revalidatePath('/contacts');
  redirect(contactPageAfterSave(id, input.emails.map((email) => email.address)));
});

/** The contact's page; with addresses it just got, the page offers their earlier mail for archiving. */
function contactPageAfterSave(id: string, addedAddresses: string[]): string {
  return addedAddresses.length ? `/contacts/${id}?added=${encodeURIComponent(addedAddresses.join(','))}` : `/contacts/${id}`;
}

const idAndVersion = z.object({ id: z.uuid('crm.notFound'), version: versionField });

export const updateContactAction = authenticatedAction(
  'crm.contact.update',
  z.intersection(idAndVersion, contactFieldsSchema),
  async ({ id, version, ...input }, { db, user }) => {
    const { addedEmails } = await updateContact(db, user, id, version, input);
    revalidatePath('/contacts');
    redirect(contactPageAfterSave(id, addedEmails));
  },
);

export const deleteContactAction = authenticatedAction('crm.contact.delete', z.object({ id: z.uuid('crm.notFound') }), async ({ id }, { db, user }) => {
  await deleteContact(db, user, id);
  revalidatePath('/contacts');
  redirect('/contacts');
});
