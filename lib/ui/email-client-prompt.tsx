'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useEffect, useRef } from 'react';
import { setEmailClientAction } from '@/lib/preferences/actions';
import { EMAIL_CLIENT_CHOICES } from './email-client-context';
import { FormAlert } from './form';

/**
 * Asks a user who has not chosen yet how e-mail addresses should open. The layout renders it only
 * while the choice is unset; once saved, the layout re-renders without it, so it is asked once.
 */
export function EmailClientPrompt() {
  const t = useTranslations('preferences');
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [result, answer, pending] = useActionState(setEmailClientAction, null);

  // showModal() (not the `open` attribute) makes the rest of the page inert and traps focus in the dialog.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  useEffect(() => {
    if (result?.ok) dialogRef.current?.close();
  }, [result]);

  return (
    <dialog
      ref={dialogRef}
      aria-modal="true"
      aria-labelledby="email-client-prompt-title"
      aria-describedby="email-client-prompt-intro"
      className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
    >
      <h2 id="email-client-prompt-title" className="text-lg font-semibold">
        {t('prompt.title')}
      </h2>
      <p id="email-client-prompt-intro" className="mt-1 text-sm text-slate-600">
        {t('prompt.intro')}
      </p>
      {/* A form action (unlike useActionForm's onSubmit) sends the clicked button's name and value. */}
      <form action={answer} className="mt-4 flex flex-col gap-3">
        {EMAIL_CLIENT_CHOICES.map((choice) => (
          <button
            key={choice}
            type="submit"
            name="emailClient"
            value={choice}
            disabled={pending}
            aria-labelledby={`email-client-prompt-${choice}-label`}
            aria-describedby={`email-client-prompt-${choice}-description`}
            className="flex flex-col items-start rounded-md border border-slate-300 p-3 text-left hover:border-indigo-500 hover:bg-indigo-50 focus:outline-none focus:ring-2 focus:ring-indigo-500 disabled:opacity-60"
          >
            <span id={`email-client-prompt-${choice}-label`} className="font-medium">
              {t(`emailClient.${choice}.label`)}
            </span>
            <span id={`email-client-prompt-${choice}-description`} className="text-sm text-slate-600">
              {t(`emailClient.${choice}.description`)}
            </span>
          </button>
        ))}
        <FormAlert message={result && !result.ok ? result.error : null} />
      </form>
    </dialog>
  );
}
