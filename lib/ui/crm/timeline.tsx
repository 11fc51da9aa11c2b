import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { TimelineEntry } from '@/lib/crm/timeline';
import { timelineKinds, type TimelineKind } from '@/lib/crm/timeline/client';
import { NoteForm } from './note-form';

interface TimelineProps {
  record: { kind: 'company' | 'contact' | 'project' | 'sale'; id: string };
  basePath: string;
  entries: TimelineEntry[];
  nextCursor: string | null;
  kind: TimelineKind | null;
}

/** The record's activities, newest first, with a filter by kind and a note form on top. */
export async function Timeline({ record, basePath, entries, nextCursor, kind }: TimelineProps) {
  const t = await getTranslations('crm');
  const format = await getFormatter();
  const stageLabel = (value: unknown) => {
    const text = String(value ?? '');
    if (record.kind === 'project') return t.has(`statuses.${text}`) ? t(`statuses.${text}`) : text;
    return t.has(`stages.${text}`) ? t(`stages.${text}`) : text;
  };
  const describe = (entry: TimelineEntry) => {
    const actor = entry.actorName ?? t('event.someone');
    const data = entry.data;
    switch (entry.kind) {
      case 'updated': {
        const fields = Array.isArray(data.fields) ? (data.fields as string[]) : [];
        return t('event.updated', { actor, fields: fields.map((field) => (t.has(`fieldNames.${field}`) ? t(`fieldNames.${field}`) : field)).join(', ') });
      }
      case 'stage_changed':
        return t('event.stage_changed', { actor, from: stageLabel(data.from), to: stageLabel(data.to) });
      case 'owner_changed':
        return t('event.owner_changed', { actor, from: String(data.from ?? t('event.nobody')), to: String(data.to ?? t('event.nobody')) });
      default:
        return t(`event.${entry.kind}`, { actor });
    }
  };
  const filterHref = (value: TimelineKind | null) => (value ? `${basePath}?kind=${value}#timeline` : `${basePath}#timeline`);
  const chip = (active: boolean) =>
    `rounded-full border px-3 py-1 text-sm ${active ? 'border-indigo-600 bg-indigo-50 text-indigo-700' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'}`;

  return (
    <section id="timeline" aria-labelledby="timeline-title" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <h2 id="timeline-title" className="mb-3 font-medium text-slate-900">
        {t('timeline')}
      </h2>
      <NoteForm recordKind={record.kind} recordId={record.id} />
      <nav aria-label={t('filter')} className="my-4 flex flex-wrap gap-2">
        <Link href={filterHref(null)} className={chip(kind === null)} aria-current={kind === null ? 'true' : undefined}>
          {t('timelineAll')}
        </Link>
        {timelineKinds.map((value) => (
          <Link key={value} href={filterHref(value)} className={chip(kind === value)} aria-current={kind === value ? 'true' : undefined}>
            {t(`kinds.${value}`)}
          </Link>
        ))}
      </nav>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">{t('timelineEmpty')}</p>
      ) : (
        <ol className="flex flex-col gap-3" data-testid="timeline-entries">
          {entries.map((entry) => (
            <li key={entry.id} className="border-l-2 border-indigo-200 pl-3" data-kind={entry.kind}>
              <p className="text-sm text-slate-900">{describe(entry)}</p>
              {entry.document && entry.documentId ? (
                <p className={`mt-1 text-sm ${entry.document.onlyMe ? 'italic' : ''}`}>
                  <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t(`documentKinds.${entry.document.kind}`)}</span>
                  <Link href={`/documents/${entry.documentId}`} className="break-words font-medium text-indigo-700 hover:underline" data-testid="timeline-document">
                    {entry.document.subject || t('documentNoSubject')}
                  </Link>
                  {entry.document.from ? <span className="ml-1 text-slate-500">· {entry.document.from}</span> : null}
                  {entry.document.onlyMe ? <span className="ml-1 text-xs text-slate-500">({t('documentOnlyMe')})</span> : null}
                </p>
              ) : null}
              {entry.kind === 'note_added' && typeof entry.data.body === 'string' ? (
                <p className="mt-1 whitespace-pre-wrap break-words rounded-md bg-slate-50 p-2 text-sm text-slate-800">{entry.data.body}</p>
              ) : null}
              <time dateTime={entry.occurredAt.toISOString()} className="text-xs text-slate-500">
                {format.dateTime(entry.occurredAt, { dateStyle: 'medium', timeStyle: 'short' })}
              </time>
            </li>
          ))}
        </ol>
      )}
      {nextCursor ? (
        <Link href={`${basePath}?${new URLSearchParams({ ...(kind ? { kind } : {}), before: nextCursor }).toString()}#timeline`} className="mt-4 inline-block text-sm text-indigo-700 hover:underline">
          {t('timelineMore')}
        </Link>
      ) : null}
    </section>
  );
}

export function timelineKindParam(value: string | string[] | undefined): TimelineKind | null {
  return typeof value === 'string' && (timelineKinds as readonly string[]).includes(value) ? (value as TimelineKind) : null;
}
