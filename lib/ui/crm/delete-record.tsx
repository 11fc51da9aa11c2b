'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { ActionResult } from '@/lib/actions/action';
import { FormAlert } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

type DeleteAction<T> = (previous: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>;

/**
 * Delete with a confirmation. For a company (`dependents` given) the dialog asks what becomes of
 * its contacts, projects and sales: kept without the company, or deleted too.
 */
export function DeleteRecordButton<T>({ id, action, dependents }: { id: string; action: DeleteAction<T>; dependents?: { contacts: number; projects: number; sales: number } }) {
  const t = useTranslations('crm');
  const [open, setOpen] = useState(false);
  const { result, pending, onSubmit } = useActionForm(action);
  const hasDependents = dependents && dependents.contacts + dependents.projects + dependents.sales > 0;
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-red-300 bg-white px-4 py-2 font-medium text-red-700 hover:bg-red-50">
        {t('delete')}
      </button>
    );
  }
  return (
    <div role="dialog" aria-modal="true" aria-labelledby="delete-title" className="fixed inset-0 z-20 flex items-end justify-center bg-slate-900/40 p-4 sm:items-center">
      <form onSubmit={onSubmit} className="w-full max-w-md rounded-lg bg-white p-5 shadow-xl">
        <input type="hidden" name="id" value={id} />
        <h2 id="delete-title" className="text-lg font-semibold text-slate-900">
          {dependents ? t('deleteCompanyTitle') : t('deleteRecordTitle')}
        </h2>
        {dependents ? (
          <>
            <p className="mt-2 text-slate-700">{t('deleteCompanyBody', dependents)}</p>
            <fieldset className="mt-3 flex flex-col gap-2">
              <legend className="sr-only">{t('related')}</legend>
              <label className="flex items-start gap-2">
                <input type="radio" name="related" value="unlink" defaultChecked className="mt-1" />
                <span>{t('relatedUnlink')}</span>
              </label>
              <label className="flex items-start gap-2">
                <input type="radio" name="related" value="delete" className="mt-1" disabled={!hasDependents} />
                <span>{t('relatedDelete')}</span>
              </label>
            </fieldset>
          </>
        ) : (
          <p className="mt-2 text-slate-700">{t('deleteRecordBody')}</p>
        )}
        <div className="mt-3">
          <FormAlert message={result && !result.ok ? result.error : null} />
        </div>
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" onClick={() => setOpen(false)} className="rounded-md border border-slate-300 px-4 py-2">
            {t('cancel')}
          </button>
          <button type="submit" disabled={pending} className="rounded-md bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700 disabled:opacity-60">
            {pending ? t('deleting') : t('confirmDelete')}
          </button>
        </div>
      </form>
    </div>
  );
}
