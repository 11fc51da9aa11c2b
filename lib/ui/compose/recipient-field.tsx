'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useId, useRef, useState } from 'react';
import type { ActionResult } from '@/lib/actions/action';

export interface Suggestion {
  name: string;
  address: string;
}

export type SuggestAction = (previous: null, input: { query: string }) => Promise<ActionResult<Suggestion[]>>;

interface RecipientFieldProps {
  name: 'to' | 'cc' | 'bcc';
  label: string;
  value: string;
  onChange: (value: string) => void;
  suggest: SuggestAction;
  error?: string;
  autoFocus?: boolean;
}

/** The text after the last comma or semicolon: what is being typed now. */
function currentEntry(value: string): string {
  const cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'));
  return value.slice(cut + 1).trim();
}

function replaceCurrentEntry(value: string, suggestion: Suggestion): string {
  const cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'));
  const before = cut >= 0 ? `${value.slice(0, cut + 1)} ` : '';
  const quoted = suggestion.name && /[,;"<>@]/.test(suggestion.name) ? `"${suggestion.name.replace(/"/g, '\\"')}"` : suggestion.name;
  return `${before}${quoted ? `${quoted} <${suggestion.address}>` : suggestion.address}, `;
}

/** A To/Cc/Bcc field that suggests past correspondents for the address being typed (a combobox). */
export function RecipientField({ name, label, value, onChange, suggest, error, autoFocus }: RecipientFieldProps) {
  const t = useTranslations('compose');
  const listId = useId();
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const request = useRef(0);

  useEffect(() => {
    const query = currentEntry(value);
    if (!open || query.length < 1) return;
    const number = ++request.current;
    const timer = setTimeout(() => {
      void suggest(null, { query }).then((result) => {
        if (number !== request.current) return;
        setSuggestions(result.ok ? result.data : []);
        setActive(0);
      });
    }, 150);
    return () => clearTimeout(timer);
  }, [value, open, suggest]);

  const choose = (suggestion: Suggestion) => {
    onChange(replaceCurrentEntry(value, suggestion));
    setSuggestions([]);
  };

  const inputId = `field-${name}`;
  const showList = open && currentEntry(value).length > 0 && suggestions.length > 0;
  return (
    <div className="relative flex flex-col gap-1">
      <div className="flex items-center gap-2 border-b border-slate-200 focus-within:border-indigo-500">
        <label htmlFor={inputId} className="w-10 shrink-0 text-sm text-slate-600">
          {label}
        </label>
        <input
          id={inputId}
          name={name}
          type="text"
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus={autoFocus}
          value={value}
          onChange={(event) => {
            setOpen(true);
            onChange(event.target.value);
          }}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(event) => {
            if (!showList) return;
            if (event.key === 'ArrowDown') {
              event.preventDefault();
              setActive((index) => (index + 1) % suggestions.length);
            } else if (event.key === 'ArrowUp') {
              event.preventDefault();
              setActive((index) => (index - 1 + suggestions.length) % suggestions.length);
            } else if (event.key === 'Enter' || event.key === 'Tab') {
              const chosen = suggestions[active];
              if (chosen) {
                event.preventDefault();
                choose(chosen);
              }
            } else if (event.key === 'Escape') {
              setSuggestions([]);
            }
          }}
          className="min-w-0 flex-1 bg-transparent py-2 text-base outline-none"
        />
      </div>
      {showList ? (
        <ul id={listId} role="listbox" aria-label={t('suggestions')} className="absolute left-10 right-0 top-full z-20 mt-1 max-h-64 overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg">
          {suggestions.map((suggestion, index) => (
            <li
              key={suggestion.address}
              role="option"
              aria-selected={index === active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(suggestion);
              }}
              className={`cursor-pointer px-3 py-2 text-sm ${index === active ? 'bg-indigo-50' : ''}`}
            >
              {suggestion.name ? <span className="font-medium">{suggestion.name} </span> : null}
              <span className="text-slate-600">{suggestion.address}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
