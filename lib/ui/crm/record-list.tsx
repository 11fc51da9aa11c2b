import Link from 'next/link';
import type { ReactNode } from 'react';
import { EmptyState } from '@/lib/ui/empty-state';

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  /** Hidden on the phone card (the card shows `title` and `subtitle` plus these columns otherwise). */
  hideOnCard?: boolean;
}

interface RecordListProps<T extends { id: string }> {
  rows: T[];
  title: (row: T) => string;
  href: (row: T) => string;
  columns: Column<T>[];
  empty: { title: string; body: string };
  pager: ReactNode;
}

/**
 * A record list: a table on wide screens, cards on phones (nothing scrolls sideways at 375 px).
 * The first cell links to the record, so one click opens its page.
 */
export function RecordList<T extends { id: string }>({ rows, title, href, columns, empty, pager }: RecordListProps<T>) {
  if (rows.length === 0) return <EmptyState title={empty.title} body={empty.body} />;
  return (
    <>
      <div className="hidden overflow-hidden rounded-lg border border-slate-200 bg-white md:block">
        <table className="w-full table-fixed text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
            <tr>
              {columns.map((column, index) => (
                <th key={index} scope="col" className="px-4 py-2 font-medium">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50">
                {columns.map((column, index) => (
                  <td key={index} className="truncate px-4 py-2 align-top">
                    {index === 0 ? (
                      <Link href={href(row)} className="font-medium text-indigo-700 hover:underline">
                        {title(row)}
                      </Link>
                    ) : (
                      column.cell(row)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="flex flex-col gap-2 md:hidden" data-testid="record-cards">
        {rows.map((row) => (
          <li key={row.id} className="rounded-lg border border-slate-200 bg-white p-3">
            <Link href={href(row)} className="block break-words font-medium text-indigo-700">
              {title(row)}
            </Link>
            <dl className="mt-1 grid grid-cols-1 gap-0.5 text-sm text-slate-600">
              {columns.slice(1).map((column, index) =>
                column.hideOnCard ? null : (
                  <div key={index} className="flex min-w-0 gap-2">
                    <dt className="shrink-0 text-slate-500">{column.label}:</dt>
                    <dd className="min-w-0 break-words">{column.cell(row)}</dd>
                  </div>
                ),
              )}
            </dl>
          </li>
        ))}
      </ul>
      {pager}
    </>
  );
}

/** "More" (the next keyset page) and "Back to the start" links, keeping search, filters and sort. */
export function Pager({ basePath, params, nextCursor, labels }: { basePath: string; params: Record<string, string | undefined>; nextCursor: string | null; labels: { next: string; first: string } }) {
  const href = (cursor: string | null) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value && key !== 'cursor') query.set(key, value);
    if (cursor) query.set('cursor', cursor);
    const text = query.toString();
    return text ? `${basePath}?${text}` : basePath;
  };
  return (
    <nav className="mt-4 flex justify-between gap-2 text-sm" aria-label="pagination">
      {params.cursor ? (
        <Link href={href(null)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          {labels.first}
        </Link>
      ) : (
        <span />
      )}
      {nextCursor ? (
        <Link href={href(nextCursor)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          {labels.next}
        </Link>
      ) : null}
    </nav>
  );
}
