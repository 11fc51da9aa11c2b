'use server';

import { revalidatePath } from 'next/cache';
import { authenticatedAction } from '@/lib/actions/action';
import { addSenderAddressSchema, addSenderContactSchema } from './client';
import { addAddressFromMessage, addContactFromMessage } from './service';

export const addSenderContactAction = authenticatedAction('crm.sender.addContact', addSenderContactSchema, async (input, { db, user }) => {
  const saved = await addContactFromMessage(db, user, input);
  revalidatePath('/contacts');
  revalidatePath('/companies');
  return saved;
});

export const addSenderAddressAction = authenticatedAction('crm.sender.addAddress', addSenderAddressSchema, async (input, { db, user }) => {
  const saved = await addAddressFromMessage(db, user, input);
  revalidatePath('/contacts');
  return saved;
});
