'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { UserFacingError } from '@/lib/actions/errors';
import { importCompanies, previewCompanyImport } from './companies';
import { importContacts, previewContactImport } from './contacts';
import { CSV_MAX_BYTES } from './read';

const csvUpload = z.object({
  kind: z.enum(['companies', 'contacts'], 'invalidValue'),
  file: z.instanceof(File, { message: 'crm.csvEmpty' }).refine((file) => file.size > 0, 'crm.csvEmpty'),
});

async function bytesOf(file: File): Promise<Uint8Array> {
  if (file.size > CSV_MAX_BYTES) throw new UserFacingError('crm.csvTooLarge', {}, 'file');
  return new Uint8Array(await file.arrayBuffer());
}

/** Reads the file and tells what an import would create, update or skip, and why; writes nothing. */
export const previewCsvImportAction = authenticatedAction('crm.csv.preview', csvUpload, async ({ kind, file }, { db, user }) => {
  const bytes = await bytesOf(file);
  const preview = kind === 'companies' ? await previewCompanyImport(db, user, bytes) : await previewContactImport(db, user, bytes);
  return {
    columnsUsed: preview.columnsUsed,
    columnsIgnored: preview.columnsIgnored,
    counts: preview.counts,
    rows: preview.rows.map(({ line, label, action, reason }) => ({ line, label, action, reason })),
  };
});

/** Imports the same file as previewed (read again: nothing of the preview is trusted from the browser). */
export const runCsvImportAction = authenticatedAction('crm.csv.import', csvUpload, async ({ kind, file }, { db, user }) => {
  const bytes = await bytesOf(file);
  const counts = kind === 'companies' ? await importCompanies(db, user, bytes) : await importContacts(db, user, bytes);
  revalidatePath(`/${kind}`);
  return counts;
});
