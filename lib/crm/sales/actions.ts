'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { versionField } from '@/lib/crm/shared/client';
import { saleFieldsSchema } from './client';
import { createSale, deleteSale, updateSale } from './service';

export const createSaleAction = authenticatedAction('crm.sale.create', saleFieldsSchema, async (input, { db, user }) => {
  const { id } = await createSale(db, user, input);
  revalidatePath('/sales');
  redirect(`/sales/${id}`);
});

export const updateSaleAction = authenticatedAction(
  'crm.sale.update',
  saleFieldsSchema.safeExtend({ id: z.uuid('crm.notFound'), version: versionField }),
  async ({ id, version, ...input }, { db, user }) => {
    await updateSale(db, user, id, version, input);
    revalidatePath('/sales');
    redirect(`/sales/${id}`);
  },
);

export const deleteSaleAction = authenticatedAction('crm.sale.delete', z.object({ id: z.uuid('crm.notFound') }), async ({ id }, { db, user }) => {
  await deleteSale(db, user, id);
  revalidatePath('/sales');
  redirect('/sales');
});
