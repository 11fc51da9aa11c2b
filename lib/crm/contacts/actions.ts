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
  redirect(`/contacts/${id}`);
});

const idAndVersion = z.object({ id: z.uuid('crm.notFound'), version: versionField });

export const updateContactAction = authenticatedAction(
  'crm.contact.update',
  z.intersection(idAndVersion, contactFieldsSchema),
  async ({ id, version, ...input }, { db, user }) => {
    await updateContact(db, user, id, version, input);
    revalidatePath('/contacts');
    redirect(`/contacts/${id}`);
  },
);

export const deleteContactAction = authenticatedAction('crm.contact.delete', z.object({ id: z.uuid('crm.notFound') }), async ({ id }, { db, user }) => {
  await deleteContact(db, user, id);
  revalidatePath('/contacts');
  redirect('/contacts');
});
