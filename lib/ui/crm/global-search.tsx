'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import type { SearchResults } from '@/lib/crm/search';
import { globalSearchAction } from '@/lib/crm/search/actions';
import { detailText } from './search-detail';

const groups = ['companies', 'contacts', 'projects', 'sales', 'documents'] as const;
const hrefOf = { company: 'companies', contact: 'contacts', project: 'projects', sale: 'sales', document: 'documents' } as const;

/** The top bar's search: results grouped by kind while typing; Enter opens the full results page. */
export function GlobalSearch() {
  const t = useTranslations('crm');
  const router = useRouter();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResults | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (query.trim().length < 2) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await globalSearchAction(null, { q: query });
      if (current && result.ok) setResults(result.data);
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);

  const shown = query.trim().length >= 2 && results && results.query === query ? results : null;
  const total = shown ? groups.reduce((sum, group) => sum + shown[group].length, 0) : 0;
  const close = () => {
    setOpen(false);
    setQuery('');
    setResults(null);
  };

  return (
    <form
      role="search"
      className="relative w-full max-w-xl"
      onSubmit={(event) => {
        event.preventDefault();
        if (!query.trim()) return;
        setOpen(false);
        router.push(`/search?q=${encodeURIComponent(query.trim())}`);
      }}
    >
      <label htmlFor="global-search" className="sr-only">
        {t('globalSearch')}
      </label>
      <input
        id="global-search"
        type="search"
        autoComplete="off"
        placeholder={t('globalSearchPlaceholder')}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setOpen(false);
        }}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base"
      />
      {open && shown ? (
        <div className="absolute left-0 right-0 z-30 mt-1 max-h-[70vh] overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg" data-testid="global-search-results">
          {total === 0 ? <p className="px-2 py-1 text-sm text-slate-500">{t('noResultsTitle')}</p> : null}
          {groups.map((group) =>
            shown[group].length ? (
              <section key={group} aria-label={t(group)} className="mb-2">
                <h3 className="px-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{t(group)}</h3>
                <ul>
                  {shown[group].map((hit) => (
                    <li key={hit.id}>
                      <Link href={`/${hrefOf[hit.kind]}/${hit.id}`} onClick={close} className="block rounded px-2 py-1.5 hover:bg-slate-100">
                        <span className="block truncate font-medium text-slate-900">{hit.title}</span>
                        {hit.detail ? <span className="block truncate text-sm text-slate-500">{detailText(hit.kind, hit.detail, t)}</span> : null}
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null,
          )}
          <Link href={`/search?q=${encodeURIComponent(query.trim())}`} onClick={() => setOpen(false)} className="block px-2 py-1 text-sm text-indigo-700 hover:underline">
            {t('seeAll')}
          </Link>
        </div>
      ) : null}
    </form>
  );
}
