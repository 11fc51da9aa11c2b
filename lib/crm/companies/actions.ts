'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { versionField } from '@/lib/crm/shared/client';
import { companyDeleteSchema, companyFieldsSchema } from './client';
import { createCompany, deleteCompany, updateCompany } from './service';

export const createCompanyAction = authenticatedAction('crm.company.create', companyFieldsSchema, async (input, { db, user }) => {
  const { id } = await createCompany(db, user, input);
  revalidatePath('/companies');
  redirect(`/companies/${id}`);
});

export const updateCompanyAction = authenticatedAction(
  'crm.company.update',
  companyFieldsSchema.safeExtend({ id: z.uuid('crm.notFound'), version: versionField }),
  async ({ id, version, ...input }, { db, user }) => {
    await updateCompany(db, user, id, version, input);
    revalidatePath('/companies');
    redirect(`/companies/${id}`);
  },
);

export const deleteCompanyAction = authenticatedAction('crm.company.delete', companyDeleteSchema, async ({ id, related }, { db, user }) => {
  await deleteCompany(db, user, id, { related });
  revalidatePath('/companies');
  redirect('/companies');
});
