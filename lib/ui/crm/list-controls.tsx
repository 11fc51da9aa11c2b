'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';

export interface FilterChoice {
  name: string;
  label: string;
  anyLabel: string;
  options: { value: string; label: string }[];
}

const controlClass = 'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base sm:w-auto';

/**
 * Search as you type, filters and sort of a record list, kept in the address (`?q=…&owner=…`), so a
 * list can be bookmarked and the back button works. Any change starts again from the first page.
 */
export function ListControls({ filters }: { filters: FilterChoice[] }) {
  const t = useTranslations('crm');
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const typed = useRef(false);

  const navigate = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete('cursor');
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => navigate({ q: search.trim() }), 250);
    return () => clearTimeout(timer);
    // navigate reads the current params; re-running only when the text changes is intended.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  return (
    <div className="mb-4 flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-center" role="search">
      <input
        type="search"
        aria-label={t('search')}
        placeholder={t('searchPlaceholder')}
        value={search}
        onChange={(event) => {
          typed.current = true;
          setSearch(event.target.value);
        }}
        className={`${controlClass} sm:min-w-72 sm:flex-1`}
      />
      {filters.map((filter) => (
        <select
          key={filter.name}
          aria-label={filter.label}
          value={params.get(filter.name) ?? ''}
          onChange={(event) => navigate({ [filter.name]: event.target.value })}
          className={controlClass}
        >
          <option value="">{filter.anyLabel}</option>
          {filter.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ))}
      <select aria-label={t('sortBy')} value={params.get('sort') ?? 'name'} onChange={(event) => navigate({ sort: event.target.value === 'name' ? '' : event.target.value })} className={controlClass}>
        <option value="name">{t('sortName')}</option>
        <option value="updated">{t('sortUpdated')}</option>
      </select>
    </div>
  );
}
