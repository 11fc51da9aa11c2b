'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/actions/action';
import { parseAddressList } from '@/lib/mail/compose/client';
import type { SendMailResult } from '@/lib/mail/compose';
import { Field, FormAlert, SubmitButton , TextAreaField } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { SentNotice } from './sent-notice';

export type SendAction = (previous: ActionResult<SendMailResult> | null, input: FormData) => Promise<ActionResult<SendMailResult>>;

export interface ComposeDraft {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
}

interface ComposeFormProps {
  action: SendAction;
  /** "Name <address>" of the connected mailbox. */
  from: string;
  initial: ComposeDraft;
  signature: string;
}

const EMPTY_DRAFT: ComposeDraft = { to: '', cc: '', bcc: '', subject: '' };

/** The composer; after a message is sent, "Write another" starts over with an empty one. */
export function ComposeForm({ initial, ...props }: ComposeFormProps) {
  const [messageNumber, setMessageNumber] = useState(0);
  return (
    <ComposeMessage
      key={messageNumber}
      {...props}
      initial={messageNumber === 0 ? initial : EMPTY_DRAFT}
      onWriteAnother={() => setMessageNumber((number) => number + 1)}
    />
  );
}

const recipientFields = ['to', 'cc', 'bcc'] as const;
type RecipientField = (typeof recipientFields)[number];
type Unrecognised = Partial<Record<RecipientField, string[]>>;

function ComposeMessage({ action, from, initial, signature, onWriteAnother }: ComposeFormProps & { onWriteAnother: () => void }) {
  const t = useTranslations('compose');
  const { result, pending, onSubmit, fieldError } = useActionForm(action);
  // Entries that are not addresses, checked as each field is left and again before sending, so the
  // user sees which ones before a round trip (the server checks the same way regardless).
  const [unrecognised, setUnrecognised] = useState<Unrecognised>({});

  if (result?.ok) return <SentNotice result={result.data} onWriteAnother={onWriteAnother} />;

  const check = (field: RecipientField, value: string) => setUnrecognised((current) => ({ ...current, [field]: parseAddressList(value).invalid }));

  const send = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const found: Unrecognised = {};
    for (const field of recipientFields) {
      const input = form.elements.namedItem(field);
      found[field] = input instanceof HTMLInputElement ? parseAddressList(input.value).invalid : [];
    }
    setUnrecognised(found);
    const firstProblem = recipientFields.find((field) => (found[field]?.length ?? 0) > 0);
    if (firstProblem) {
      event.preventDefault();
      const firstInput = form.elements.namedItem(firstProblem);
      if (firstInput instanceof HTMLInputElement) firstInput.focus();
      return;
    }
    onSubmit(event);
  };

  const recipientError = (field: RecipientField) => {
    const entries = unrecognised[field] ?? [];
    return entries.length > 0 ? t('unrecognised', { entries: entries.join(', '), count: entries.length }) : fieldError(field);
  };

  return (
    <form onSubmit={send} className="flex flex-col gap-4" noValidate>
      <p className="break-words text-sm text-slate-600">
        <span className="font-medium text-slate-700">{t('from')}</span> {from}
      </p>
      {recipientFields.map((field) => (
        <Field
          key={field}
          label={t(field)}
          name={field}
          type="text"
          // Not inputMode="email": phone keyboards for e-mail hide the comma needed between addresses.
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          defaultValue={initial[field]}
          onBlur={(event) => check(field, event.currentTarget.value)}
          hint={field === 'to' ? t('addressHint') : undefined}
          error={recipientError(field)}
        />
      ))}
      <Field label={t('subject')} name="subject" type="text" defaultValue={initial.subject} error={fieldError('subject')} />
      <TextAreaField label={t('body')} name="body" rows={12} error={fieldError('body')} />
      {signature ? (
        <div className="text-sm text-slate-600">
          <p>
            {t('signatureAdded')}{' '}
            <Link href="/settings/email" className="text-indigo-700 hover:underline">
              {t('changeSignature')}
            </Link>
          </p>
          <pre className="mt-1 whitespace-pre-wrap break-words rounded-md bg-slate-100 p-2 font-sans">{`-- \n${signature}`}</pre>
        </div>
      ) : null}
      <FormAlert message={result && !result.ok ? result.error : null} />
      <div>
        <SubmitButton pending={pending} pendingLabel={t('sending')}>
          {t('send')}
        </SubmitButton>
      </div>
    </form>
  );
}
