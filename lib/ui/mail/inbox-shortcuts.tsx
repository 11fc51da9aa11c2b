'use client';

import { useTranslations } from 'next-intl';
import { useRef } from 'react';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';

const SHORTCUTS = ['j', 'k', 'enter', 'x', 's', 'hash', 'r', 'a', 'f', 'u', 'slash', 'question'] as const;
const KEY_LABEL: Record<(typeof SHORTCUTS)[number], string> = {
  j: 'j',
  k: 'k',
  enter: 'Enter',
  x: 'x',
  s: 's',
  hash: '#',
  r: 'r',
  a: 'a',
  f: 'f',
  u: 'u',
  slash: '/',
  question: '?',
};

/** `/` focuses the search box; `?` lists every shortcut. The list and the message handle their own keys. */
export function InboxShortcuts() {
  const t = useTranslations('mailView');
  const dialog = useRef<HTMLDialogElement>(null);
  useKeyboardShortcuts((key) => {
    if (key === '/') {
      const search = document.querySelector<HTMLInputElement>('[data-shortcut="search"]');
      search?.focus();
      return search !== null;
    }
    if (key !== '?') return false;
    dialog.current?.showModal();
    return true;
  });
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" className="w-[min(24rem,calc(100vw-2rem))] rounded-lg p-0 backdrop:bg-slate-900/40">
      <div className="flex flex-col gap-3 p-5">
        <h2 id="shortcuts-title" className="text-lg font-semibold">
          {t('shortcuts.title')}
        </h2>
        <dl className="grid grid-cols-[3rem_1fr] gap-x-3 gap-y-1 text-sm">
          {SHORTCUTS.map((shortcut) => (
            <div key={shortcut} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono">{KEY_LABEL[shortcut]}</kbd>
              </dt>
              <dd>{t(`shortcuts.${shortcut}`)}</dd>
            </div>
          ))}
        </dl>
        <form method="dialog" className="flex justify-end">
          <button type="submit" className="min-h-10 rounded-md border border-slate-300 px-3 text-sm font-medium">
            {t('close')}
          </button>
        </form>
      </div>
    </dialog>
  );
}
