'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useKeyboardShortcuts } from '@/lib/ui/mail/use-keyboard-shortcuts';
import { ArchiveDialog, type ArchiveTarget } from './archive-dialog';

const buttonClass = 'inline-flex min-h-10 items-center rounded-md border border-slate-300 px-3 text-sm font-medium text-slate-800 hover:bg-slate-100';

/**
 * "Archive" for a message, a selection, a conversation or an attachment: opens the document dialog
 * once for all of them. `shortcut` binds the Inbox's "e" key to it.
 */
export function ArchiveButton({
  target,
  label,
  shortcut = false,
  testId,
  onClosed,
}: {
  target: ArchiveTarget;
  label?: string;
  shortcut?: boolean;
  testId?: string;
  /** After the dialog closes (archived or not): e.g. to clear the selection it archived. */
  onClosed?: () => void;
}) {
  const t = useTranslations('documents');
  const [open, setOpen] = useState(false);
  useKeyboardShortcuts((key) => {
    if (!shortcut || key !== 'e' || open) return false;
    setOpen(true);
    return true;
  });
  return (
    <>
      <button type="button" className={buttonClass} onClick={() => setOpen(true)} data-testid={testId ?? 'archive-button'} aria-keyshortcuts={shortcut ? 'e' : undefined}>
        {label ?? t('archive')}
      </button>
      {open ? (
        <ArchiveDialog
          target={target}
          onClose={() => {
            setOpen(false);
            onClosed?.();
          }}
        />
      ) : null}
    </>
  );
}
