import Link from 'next/link';

/** A settings area that lives on its own page: title, one line of help, and the link there. */
export function SettingsLinkSection({ title, help, href, linkText }: { title: string; help: string; href: string; linkText: string }) {
  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="font-medium">{title}</h2>
      <p className="mb-3 text-sm text-slate-600">{help}</p>
      <Link href={href} className="font-medium text-indigo-700 hover:underline">
        {linkText}
      </Link>
    </section>
  );
}
