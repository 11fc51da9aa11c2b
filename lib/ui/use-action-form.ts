'use client';

import { startTransition, useActionState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/actions/action';

type FormAction<T> = (previous: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>;

/**
 * Runs a server action from a form without React's automatic form reset, so that a failed
 * submission keeps everything the user typed (React resets a <form action> after every submit).
 */
export function useActionForm<T>(action: FormAction<T>) {
  const [result, dispatch, pending] = useActionState(action, null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The clicked button's name and value go along, as in a native submit (forms with several buttons).
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter instanceof HTMLButtonElement && submitter.name ? submitter : null);
    startTransition(() => dispatch(data));
  };
  const fieldError = (name: string) => (result && !result.ok ? result.fieldErrors?.[name]?.[0] : undefined);
  return { result, pending, onSubmit, fieldError };
}
