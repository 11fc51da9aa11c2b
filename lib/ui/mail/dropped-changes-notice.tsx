'use client';

import { useTranslations } from 'next-intl';
import { useTransition } from 'react';
import { dismissDroppedChangesAction } from '@/lib/mail/mailbox/actions';

/** Changes the mail server refused (the message or folder was gone): the app now shows what the server has. */
export function DroppedChangesNotice({ count }: { count: number }) {
  const t = useTranslations('mailView');
  const [pending, startTransition] = useTransition();
  return (
    <div role="status" className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <span>{t('changesDropped', { count })}</span>
      <button
        type="button"
        disabled={pending}
        onClick={() => startTransition(async () => void (await dismissDroppedChangesAction(null, {})))}
        className="min-h-10 font-medium underline"
      >
        {t('dismiss')}
      </button>
    </div>
  );
}
