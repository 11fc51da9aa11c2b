'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useCallback, useRef, useState, useTransition } from 'react';
import { ArchiveButton } from '@/lib/ui/documents/archive-button';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';
import { useMessageChanges, type ListChange } from './use-message-changes';

export interface MessageRow {
  id: string;
  href: string;
  people: { name: string; address: string }[];
  subject: string;
  snippet: string;
  dateLabel: string;
  dateTime: string;
  unread: boolean;
  flagged: boolean;
  hasAttachments: boolean;
  /** A document in the CRM holds it. */
  archived: boolean;
  /** Messages in the conversation, in the grouped view; 1 otherwise. */
  threadSize: number;
  /** Shown in the reading pane beside the list. */
  open: boolean;
}

export interface MoveTarget {
  id: string;
  label: string;
}

/**
 * The message list: one row per message (or conversation), unread in bold, flag, paperclip; rows can
 * be selected for the toolbar's actions. Keyboard: j/k move, x selects, Enter opens, s flags, # deletes.
 */
export function MessageList({
  rows,
  moveTargets,
  currentFolderId,
  inTrash,
  showRecipients,
}: {
  rows: MessageRow[];
  moveTargets: MoveTarget[];
  currentFolderId: string | null;
  inTrash: boolean;
  showRecipients: boolean;
}) {
  const t = useTranslations('mailView');
  const router = useRouter();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [focusIndex, setFocusIndex] = useState(() => Math.max(0, rows.findIndex((row) => row.open)));
  const rowRefs = useRef<(HTMLAnchorElement | null)[]>([]);
  const { apply, pending, error } = useMessageChanges();
  const [, startTransition] = useTransition();

  const visibleSelection = rows.filter((row) => selected.has(row.id)).map((row) => row.id);
  const toggle = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const run = useCallback(
    (ids: string[], change: ListChange) => {
      if (ids.length === 0) return;
      if (change.change === 'delete' && inTrash && !window.confirm(t('confirmDeleteForGood', { count: ids.length }))) return;
      void apply(ids, change).then((ok) => {
        if (ok) setSelected(new Set());
      });
    },
    [apply, inTrash, t],
  );

  useKeyboardShortcuts((key) => {
    const row = rows[focusIndex];
    const focusRow = (index: number) => {
      const bounded = Math.min(rows.length - 1, Math.max(0, index));
      setFocusIndex(bounded);
      rowRefs.current[bounded]?.focus();
    };
    switch (key) {
      case 'j':
        focusRow(focusIndex + 1);
        return true;
      case 'k':
        focusRow(focusIndex - 1);
        return true;
      case 'x':
        if (row) toggle(row.id);
        return true;
      case 's':
        if (row) run([row.id], { change: row.flagged ? 'unflag' : 'flag' });
        return true;
      case '#':
        run(visibleSelection.length > 0 ? visibleSelection : row ? [row.id] : [], { change: 'delete' });
        return true;
      case 'Enter':
        // A focused row's link opens itself; this is for Enter before any row has focus.
        if (!row || document.activeElement !== document.body) return false;
        startTransition(() => router.push(row.href));
        return true;
      default:
        return false;
    }
  });

  const allSelected = visibleSelection.length === rows.length && rows.length > 0;
  const selection = visibleSelection;

  return (
    <div className="flex min-w-0 flex-col gap-2">
      <div className="flex min-h-10 flex-wrap items-center gap-2 text-sm" role="toolbar" aria-label={t('listActions')}>
        <label className="inline-flex min-h-10 min-w-10 items-center justify-center gap-2 px-1">
          <input
            type="checkbox"
            className="h-5 w-5"
            checked={allSelected}
            onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.id)))}
            aria-label={t('selectAll')}
          />
        </label>
        {selection.length > 0 ? (
          <>
            <span className="text-slate-600">{t('selectedCount', { count: selection.length })}</span>
            <ToolbarButton label={t('markRead')} onClick={() => run(selection, { change: 'read' })} disabled={pending} />
            <ToolbarButton label={t('markUnread')} onClick={() => run(selection, { change: 'unread' })} disabled={pending} />
            <ToolbarButton label={t('flag')} onClick={() => run(selection, { change: 'flag' })} disabled={pending} />
            <ToolbarButton label={t('unflag')} onClick={() => run(selection, { change: 'unflag' })} disabled={pending} />
            <MoveSelect targets={moveTargets.filter((target) => target.id !== currentFolderId)} disabled={pending} onMove={(id) => run(selection, { change: 'move', destinationFolderId: id })} />
            <ToolbarButton label={inTrash ? t('deleteForGood') : t('delete')} onClick={() => run(selection, { change: 'delete' })} disabled={pending} tone="danger" />
            <ArchiveButton key={selection.join(',')} target={{ messageIds: selection }} testId="archive-selection" onClosed={() => setSelected(new Set())} />
          </>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <ul className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white" data-testid="message-list">
        {rows.map((row, index) => {
          const who = row.people.map((person) => person.name || person.address).join(', ');
          const addresses = row.people.map((person) => (person.name ? `${person.name} <${person.address}>` : person.address)).join(', ');
          return (
            <li
              key={row.id}
              data-message-id={row.id}
              data-unread={row.unread || undefined}
              className={`flex min-w-0 items-stretch ${row.open ? 'bg-indigo-50' : selected.has(row.id) ? 'bg-sky-50' : ''} ${index === focusIndex ? 'shadow-[inset_3px_0_0_#4f46e5]' : ''}`}
            >
              <label className="flex min-w-10 shrink-0 items-start justify-center pt-3">
                <input type="checkbox" className="h-5 w-5" checked={selected.has(row.id)} onChange={() => toggle(row.id)} aria-label={t('selectMessage', { subject: row.subject || t('noSubject') })} />
              </label>
              <Link
                ref={(element) => {
                  rowRefs.current[index] = element;
                }}
                href={row.href}
                onFocus={() => setFocusIndex(index)}
                aria-current={row.open ? 'page' : undefined}
                className="flex min-w-0 flex-1 flex-col gap-0.5 py-3 pr-1 hover:bg-slate-50 focus:outline-none focus-visible:bg-slate-100"
              >
                <div className="flex min-w-0 items-baseline justify-between gap-3">
                  <span className={`truncate ${row.unread ? 'font-semibold text-slate-900' : 'text-slate-700'}`} title={addresses}>
                    {showRecipients && who ? `${t('toPrefix')} ` : ''}
                    {who || t('noSender')}
                    {row.threadSize > 1 ? <span className="ml-1 text-xs font-normal text-slate-500">({row.threadSize})</span> : null}
                  </span>
                  <time className="shrink-0 text-xs text-slate-500" dateTime={row.dateTime}>
                    {row.dateLabel}
                  </time>
                </div>
                <span className={`flex min-w-0 items-center gap-1 ${row.unread ? 'font-semibold' : ''}`}>
                  <span className="truncate">{row.subject || t('noSubject')}</span>
                  {row.archived ? (
                    <span className="shrink-0 rounded bg-emerald-50 px-1 text-xs font-normal text-emerald-700" data-testid="list-archived">
                      {t('archivedShort')}
                    </span>
                  ) : null}
                  {row.hasAttachments ? (
                    <svg aria-label={t('hasAttachments')} role="img" viewBox="0 0 20 20" className="h-4 w-4 shrink-0 text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.6">
                      <path d="M14.5 7.5 8.3 13.7a2 2 0 0 1-2.8-2.8l6.9-6.9a3.2 3.2 0 0 1 4.5 4.5l-7.4 7.4a4.4 4.4 0 0 1-6.2-6.2l6.2-6.2" strokeLinecap="round" />
                    </svg>
                  ) : null}
                </span>
                <span className="truncate text-sm text-slate-500">{row.snippet}</span>
              </Link>
              <button
                type="button"
                onClick={() => run([row.id], { change: row.flagged ? 'unflag' : 'flag' })}
                aria-pressed={row.flagged}
                aria-label={row.flagged ? t('unflagMessage') : t('flagMessage')}
                className="flex min-h-10 min-w-10 shrink-0 items-start justify-center pt-3"
              >
                <FlagIcon flagged={row.flagged} />
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function FlagIcon({ flagged }: { flagged: boolean }) {
  return (
    <svg viewBox="0 0 20 20" className={`h-5 w-5 ${flagged ? 'text-amber-500' : 'text-slate-300'}`} fill={flagged ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 18V3m0 0h9l-1.5 3.5L13 10H4" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

export function ToolbarButton({ label, onClick, disabled, tone }: { label: string; onClick: () => void; disabled?: boolean; tone?: 'danger' }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      className={`min-h-10 rounded-md border px-3 text-sm font-medium disabled:opacity-50 ${tone === 'danger' ? 'border-red-300 text-red-700 hover:bg-red-50' : 'border-slate-300 text-slate-800 hover:bg-slate-100'}`}
    >
      {label}
    </button>
  );
}

export function MoveSelect({ targets, onMove, disabled }: { targets: MoveTarget[]; onMove: (folderId: string) => void; disabled?: boolean }) {
  const t = useTranslations('mailView');
  return (
    <select
      aria-label={t('moveTo')}
      disabled={disabled}
      value=""
      onChange={(event) => {
        if (event.target.value) onMove(event.target.value);
      }}
      className="min-h-10 max-w-40 rounded-md border border-slate-300 bg-white px-2 text-sm"
    >
      <option value="">{t('moveTo')}</option>
      {targets.map((target) => (
        <option key={target.id} value={target.id}>
          {target.label}
        </option>
      ))}
    </select>
  );
}
