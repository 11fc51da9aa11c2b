'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState, type ReactNode } from 'react';
import { signOutAction } from '@/lib/auth/actions';
import { EmailAddressLink } from './email-link';

const sections = ['inbox', 'companies', 'contacts', 'projects', 'sales', 'settings'] as const;

export function AppShell({ userName, userEmail, children }: { userName: string; userEmail: string; children: ReactNode }) {
  const t = useTranslations('nav');
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);

  const links = sections.map((section) => {
    const href = `/${section}`;
    const active = pathname === href || pathname.startsWith(`${href}/`);
    return (
      <Link
        key={section}
        href={href}
        onClick={() => setMenuOpen(false)}
        aria-current={active ? 'page' : undefined}
        className={`block rounded-md px-3 py-2 text-sm font-medium ${
          active ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700 hover:bg-slate-100'
        }`}
      >
        {t(section)}
      </Link>
    );
  });

  const account = (
    <div className="border-t border-slate-200 px-3 pt-3 text-sm">
      <p className="truncate font-medium text-slate-900" title={userEmail}>
        {userName}
      </p>
      <p className="truncate text-slate-500">
        <EmailAddressLink address={userEmail} className="hover:text-indigo-700 hover:underline" onClick={() => setMenuOpen(false)} />
      </p>
      <form action={signOutAction} className="mt-2">
        <button type="submit" className="text-indigo-700 hover:underline">
          {t('signOut')}
        </button>
      </form>
    </div>
  );

  return (
    <div className="min-h-screen bg-slate-50 md:flex">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 md:hidden">
        <Link href="/inbox" className="font-semibold text-slate-900">
          {t('appName')}
        </Link>
        <button
          type="button"
          aria-expanded={menuOpen}
          aria-controls="main-navigation"
          onClick={() => setMenuOpen((open) => !open)}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        >
          {menuOpen ? t('closeMenu') : t('menu')}
        </button>
      </header>
      {/* The column carries the background and border the whole height of the page, however long the
          page; the navigation inside it stays in view while the page scrolls. */}
      <div className="md:w-56 md:shrink-0 md:border-r md:border-slate-200 md:bg-white" data-testid="sidebar">
        <nav
          id="main-navigation"
          aria-label={t('mainNavigation')}
          className={`${menuOpen ? 'block' : 'hidden'} border-b border-slate-200 bg-white p-3 md:sticky md:top-0 md:flex md:h-screen md:flex-col md:justify-between md:border-b-0`}
        >
          <div>
            <Link href="/inbox" className="mb-4 hidden px-3 text-lg font-semibold text-slate-900 md:block">
              {t('appName')}
            </Link>
            <div className="flex flex-col gap-1">{links}</div>
          </div>
          <div className="mt-4">{account}</div>
        </nav>
      </div>
      <main className="min-w-0 flex-1 p-4 md:p-8">{children}</main>
    </div>
  );
}
