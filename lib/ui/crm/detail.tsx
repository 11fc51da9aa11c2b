import Link from 'next/link';
import type { ReactNode } from 'react';

/** The title row of a record page: name, a line under it, and the edit/delete buttons. */
export function DetailHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0">
        <h1 className="break-words text-2xl font-semibold text-slate-900">{title}</h1>
        {subtitle ? <div className="mt-1 text-slate-600">{subtitle}</div> : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}

export function LinkButton({ href, children, primary = false }: { href: string; children: ReactNode; primary?: boolean }) {
  return (
    <Link
      href={href}
      className={
        primary
          ? 'inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-700'
          : 'inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 hover:bg-slate-50'
      }
    >
      {children}
    </Link>
  );
}

/** Label–value pairs; empty values are left out. */
export function FieldList({ fields }: { fields: { label: string; value: ReactNode }[] }) {
  const shown = fields.filter((field) => field.value !== null && field.value !== undefined && field.value !== '');
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-2">
      {shown.map((field) => (
        <div key={field.label} className="min-w-0">
          <dt className="text-sm text-slate-500">{field.label}</dt>
          <dd className="break-words text-slate-900">{field.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Panel({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4 sm:p-5">
      <h2 id={id} className="mb-3 font-medium text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** Records related to this one, each a link with a second line. */
export function RelatedList({ items, emptyLabel }: { items: { id: string; href: string; title: string; detail?: ReactNode }[]; emptyLabel: string }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">{emptyLabel}</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {items.map((item) => (
        <li key={item.id} className="py-2">
          <Link href={item.href} className="break-words font-medium text-indigo-700 hover:underline">
            {item.title}
          </Link>
          {item.detail ? <div className="break-words text-sm text-slate-600">{item.detail}</div> : null}
        </li>
      ))}
    </ul>
  );
}
