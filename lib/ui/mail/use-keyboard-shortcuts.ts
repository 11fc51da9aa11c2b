'use client';

import { useEffect, useRef } from 'react';

/** Whether a key press belongs to a field the user is typing in, where letters are text, not commands. */
function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
}

/**
 * Single-key shortcuts (no Ctrl, Alt or Meta) while the user is not typing. `onKey` returns true when
 * it handled the key (the browser's own action is then prevented). Always calls the latest `onKey`.
 */
export function useKeyboardShortcuts(onKey: (key: string, event: KeyboardEvent) => boolean) {
  const latest = useRef(onKey);
  useEffect(() => {
    latest.current = onKey;
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      if (latest.current(event.key, event)) event.preventDefault();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
