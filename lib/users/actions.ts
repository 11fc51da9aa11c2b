'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { newAccountSchema } from '@/lib/auth/schemas';
import { createUser, setUserActive } from './service';

const addUserSchema = newAccountSchema.safeExtend({
  role: z.enum(['admin', 'member']).default('member'),
});

export const addUserAction = authenticatedAction(
  'users.add',
  addUserSchema,
  async (input, { db }) => {
    const user = await createUser(db, input);
    revalidatePath('/settings/users');
    return { id: user.id, email: user.email };
  },
  { role: 'admin' },
);

export const setUserActiveAction = authenticatedAction(
  'users.setActive',
  z.object({ userId: z.uuid('invalidValue'), active: z.enum(['true', 'false']).transform((value) => value === 'true') }),
  async ({ userId, active }, { db, user }) => {
    await setUserActive(db, user, userId, active);
    revalidatePath('/settings/users');
    return { userId, active };
  },
  { role: 'admin' },
);
