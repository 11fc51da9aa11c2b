'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { removeMailAccountAction } from '@/lib/mail/account/actions';
import { FormAlert } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';

/** Removing takes two clicks: the second one, after reading what goes and what stays. */
export function RemoveAccount({ emailAddress }: { emailAddress: string }) {
  const t = useTranslations('mailConnect');
  const [confirming, setConfirming] = useState(false);
  const { result, pending, onSubmit } = useActionForm(removeMailAccountAction);

  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} className="self-start rounded-md border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50">
        {t('remove')}
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3 rounded-md border border-red-300 bg-red-50 p-4" role="alertdialog" aria-labelledby="remove-account-title">
      <p id="remove-account-title" className="font-medium text-red-900">
        {t('removeConfirmTitle', { address: emailAddress })}
      </p>
      <p className="text-sm text-red-900">{t('removeConfirmBody')}</p>
      <FormAlert message={result && !result.ok ? result.error : null} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending} className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60">
          {t('removeConfirm')}
        </button>
        <button type="button" onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm">
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
