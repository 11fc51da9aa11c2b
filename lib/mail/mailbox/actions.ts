'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { setFoldersSelected } from './queries';

/** E-mail options → which folders are imported; the checkboxes post the ids of the folders switched on. */
export const setImportedFoldersAction = authenticatedAction(
  'mail.setImportedFolders',
  z.object({ folderIds: z.array(z.uuid('invalidValue')).max(1000).default([]) }),
  async ({ folderIds }, { db, user }) => {
    await setFoldersSelected(db, user.id, folderIds);
    revalidatePath('/settings/email');
    revalidatePath('/inbox');
    return { selected: folderIds.length };
  },
);
