'use client';

import { useTranslations } from 'next-intl';
import { useState, useTransition, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/actions/action';
import { previewCsvImportAction, runCsvImportAction } from '@/lib/crm/csv/actions';
import { FormAlert } from '@/lib/ui/form';

type Preview = Extract<Awaited<ReturnType<typeof previewCsvImportAction>>, { ok: true }>['data'];
type Counts = Extract<Awaited<ReturnType<typeof runCsvImportAction>>, { ok: true }>['data'];

/** Choose a file, see what would happen to every row, then import exactly that file. */
export function CsvImportForm({ kind }: { kind: 'companies' | 'contacts' }) {
  const t = useTranslations('crm');
  const [preview, setPreview] = useState<ActionResult<Preview> | null>(null);
  const [done, setDone] = useState<ActionResult<Counts> | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const data = new FormData(event.currentTarget);
    const importing = submitter?.value === 'import';
    startTransition(async () => {
      if (importing) {
        setDone(await runCsvImportAction(null, data));
        setPreview(null);
      } else {
        setDone(null);
        setPreview(await previewCsvImportAction(null, data));
      }
    });
  };
  const error = (preview && !preview.ok ? preview.error : null) ?? (done && !done.ok ? done.error : null);
  const ready = preview?.ok ? preview.data : null;
  const actionLabel = { create: t('previewCreate'), update: t('previewUpdate'), skip: t('previewSkip') };
  const button = 'rounded-md px-4 py-2 font-medium disabled:opacity-60';

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
      <input type="hidden" name="kind" value={kind} />
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        {t('importFile')}
        <input type="file" name="file" accept=".csv,.txt,text/csv,text/plain" onChange={() => { setPreview(null); setDone(null); }} className="text-base font-normal" />
      </label>
      <FormAlert message={error} />
      <FormAlert tone="success" message={done?.ok ? t('importDone', { created: done.data.create, updated: done.data.update, skipped: done.data.skip }) : null} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="mode" value="preview" disabled={pending} className={`${button} border border-slate-300 bg-white`}>
          {pending ? t('previewing') : t('preview')}
        </button>
        {ready && ready.counts.create + ready.counts.update > 0 ? (
          <button type="submit" name="mode" value="import" disabled={pending} className={`${button} bg-indigo-600 text-white hover:bg-indigo-700`}>
            {pending ? t('importing') : t('importConfirm', { count: ready.counts.create + ready.counts.update })}
          </button>
        ) : null}
      </div>
      {ready ? (
        <div className="flex flex-col gap-2" data-testid="csv-preview">
          <p className="text-sm text-slate-700">
            {actionLabel.create}: {ready.counts.create} · {actionLabel.update}: {ready.counts.update} · {actionLabel.skip}: {ready.counts.skip}
          </p>
          <p className="text-sm text-slate-600">{t('columnsRecognised', { columns: ready.columnsUsed.join(', ') })}</p>
          {ready.columnsIgnored.length ? <p className="text-sm text-amber-800">{t('columnsIgnored', { columns: ready.columnsIgnored.join(', ') })}</p> : null}
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm">
            {ready.rows.slice(0, 500).map((row) => (
              <li key={row.line} className="flex flex-wrap gap-x-3 px-3 py-1.5">
                <span className="text-slate-500">
                  {t('previewRow')} {row.line}
                </span>
                <span className={row.action === 'skip' ? 'font-medium text-red-700' : row.action === 'update' ? 'font-medium text-amber-800' : 'font-medium text-green-800'}>{actionLabel[row.action]}</span>
                <span className="min-w-0 break-words font-medium">{row.label}</span>
                <span className="text-slate-600">{t(row.reason.key, row.reason.values)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
