'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useId, useState } from 'react';
import { lookupRecordsAction } from '@/lib/crm/search/actions';

export interface PickedRecord {
  id: string;
  label: string;
}

interface RecordPickerProps {
  kind: 'company' | 'contact' | 'project' | 'sale';
  /** The form field: `companyId` for one, `companyIds` (sent as `companyIds[]`) for several. */
  name: string;
  label: string;
  multiple?: boolean;
  initial: PickedRecord[];
  error?: string;
}

/**
 * Chooses records by typing (there may be 100,000 of them, too many for a select):
 * the matches come from the same search as the lists. The choice travels in hidden inputs.
 */
export function RecordPicker({ kind, name, label, multiple = false, initial, error }: RecordPickerProps) {
  const t = useTranslations('crm');
  const inputId = useId();
  const [picked, setPicked] = useState<PickedRecord[]>(initial);
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<{ id: string; label: string; detail: string }[]>([]);

  useEffect(() => {
    if (query.trim().length < 1) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await lookupRecordsAction(null, { kind, q: query });
      if (current) setMatches(result.ok ? result.data : []);
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [kind, query]);

  const choose = (record: PickedRecord) => {
    setPicked((previous) => (multiple ? [...previous.filter((item) => item.id !== record.id), record] : [record]));
    setQuery('');
    setMatches([]);
  };
  const showMatches = query.trim().length > 0 && matches.length > 0;

  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={inputId} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      {picked.map((record) => (
        <input key={record.id} type="hidden" name={multiple ? `${name}[]` : name} value={record.id} />
      ))}
      {!multiple && picked.length === 0 ? <input type="hidden" name={name} value="" /> : null}
      {picked.length > 0 ? (
        <ul className="flex flex-wrap gap-2">
          {picked.map((record) => (
            <li key={record.id} className="flex max-w-full items-center gap-1 rounded-full bg-indigo-50 px-3 py-1 text-sm text-indigo-800">
              <span className="truncate">{record.label}</span>
              <button type="button" onClick={() => setPicked((previous) => previous.filter((item) => item.id !== record.id))} aria-label={`${t('remove')} ${record.label}`} className="px-1 text-indigo-600">
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="relative">
        <input
          id={inputId}
          type="search"
          role="combobox"
          aria-expanded={showMatches}
          aria-controls={`${inputId}-list`}
          autoComplete="off"
          value={query}
          placeholder={t('search')}
          onChange={(event) => setQuery(event.target.value)}
          aria-invalid={error ? true : undefined}
          className={`w-full rounded-md border px-3 py-2 text-base ${error ? 'border-red-500' : 'border-slate-300'}`}
        />
        {showMatches ? (
          <ul id={`${inputId}-list`} role="listbox" className="absolute z-10 mt-1 max-h-64 w-full overflow-y-auto rounded-md border border-slate-200 bg-white shadow-lg">
            {matches.map((match) => (
              <li key={match.id} role="option" aria-selected={false}>
                <button type="button" onClick={() => choose(match)} className="block w-full px-3 py-2 text-left hover:bg-slate-50">
                  <span className="block truncate font-medium">{match.label}</span>
                  {match.detail ? <span className="block truncate text-sm text-slate-500">{match.detail}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {error ? (
        <p className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
