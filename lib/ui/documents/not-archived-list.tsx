'use client';

import Link from 'next/link';
import { useFormatter, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ArchiveButton } from './archive-button';

interface Row {
  id: string;
  subject: string;
  correspondent: string;
  outgoing: boolean;
  contactNames: string[];
  receivedAt: string;
}

/** Mail not archived yet, with checkboxes: one dialog archives the whole selection. */
export function NotArchivedList({ rows }: { rows: Row[] }) {
  const t = useTranslations('documents');
  const format = useFormatter();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const all = rows.length > 0 && selected.size === rows.length;
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div className="flex flex-col gap-2" data-testid="not-archived">
      <div className="flex min-h-10 flex-wrap items-center gap-2 text-sm" role="toolbar">
        {rows.length > 0 ? (
          <label className="inline-flex min-h-10 items-center gap-2 px-1">
            <input type="checkbox" className="h-5 w-5" checked={all} onChange={() => setSelected(all ? new Set() : new Set(rows.map((row) => row.id)))} />
            {t('selectAll')}
          </label>
        ) : null}
        {/* Stays while its dialog is open, even when archiving emptied the list behind it. */}
        {selected.size > 0 ? (
          <ArchiveButton key={[...selected].join(',')} target={{ messageIds: [...selected] }} label={t('archiveSelected', { count: selected.size })} testId="archive-selected" onClosed={() => setSelected(new Set())} />
        ) : null}
      </div>
      {rows.length === 0 ? <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">{t('notArchivedEmpty')}</p> : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white empty:hidden">
        {rows.map((row) => (
          <li key={row.id} className="flex min-w-0 items-start gap-3 p-3">
            <input type="checkbox" className="mt-1 h-5 w-5 shrink-0" checked={selected.has(row.id)} onChange={() => toggle(row.id)} aria-label={row.subject || t('noSubject')} />
            <div className="min-w-0 flex-1">
              <Link href={`/inbox/messages/${row.id}`} className="block truncate font-medium text-slate-900 hover:underline">
                {row.subject || t('noSubject')}
              </Link>
              <p className="truncate text-sm text-slate-600">
                {row.outgoing ? t('toCorrespondent', { address: row.correspondent }) : t('fromCorrespondent', { address: row.correspondent })} · {row.contactNames.join(', ')}
              </p>
            </div>
            <time dateTime={row.receivedAt} className="shrink-0 text-xs text-slate-500">
              {format.dateTime(new Date(row.receivedAt), { dateStyle: 'medium' })}
            </time>
          </li>
        ))}
      </ul>
    </div>
  );
}
