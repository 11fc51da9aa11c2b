'use server';

import { revalidatePath } from 'next/cache';
import { authenticatedAction } from '@/lib/actions/action';
import { noteSchema } from './client';
import { addNote } from './events';
import { recordHref } from './record-ref';

export const addNoteAction = authenticatedAction('crm.note.add', noteSchema, async ({ recordKind, recordId, body }, { db, user }) => {
  const record = { kind: recordKind, id: recordId };
  const id = await addNote(db, user, record, body);
  revalidatePath(recordHref(record));
  return { id };
});
