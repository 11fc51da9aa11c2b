'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { versionField } from '@/lib/crm/shared/client';
import { projectFieldsSchema } from './client';
import { createProject, deleteProject, updateProject } from './service';

export const createProjectAction = authenticatedAction('crm.project.create', projectFieldsSchema, async (input, { db, user }) => {
  const { id } = await createProject(db, user, input);
  revalidatePath('/projects');
  redirect(`/projects/${id}`);
});

export const updateProjectAction = authenticatedAction(
  'crm.project.update',
  z.intersection(z.object({ id: z.uuid('crm.notFound'), version: versionField }), projectFieldsSchema),
  async ({ id, version, ...input }, { db, user }) => {
    await updateProject(db, user, id, version, input);
    revalidatePath('/projects');
    redirect(`/projects/${id}`);
  },
);

export const deleteProjectAction = authenticatedAction('crm.project.delete', z.object({ id: z.uuid('crm.notFound') }), async ({ id }, { db, user }) => {
  await deleteProject(db, user, id);
  revalidatePath('/projects');
  redirect('/projects');
});
