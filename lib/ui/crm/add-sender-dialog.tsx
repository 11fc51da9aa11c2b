'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useId, useState, useTransition, type FormEvent, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/actions/action';
import type { UnknownSender } from '@/lib/crm/senders';
import { addSenderAddressAction, addSenderContactAction } from '@/lib/crm/senders/actions';
import type { SenderSaved } from '@/lib/crm/senders/client';
import { Field, FormAlert, SubmitButton } from '@/lib/ui/form';
import { RecordPicker } from './record-picker';

type Mode = 'new' | 'existing';

/** The company proposed first: a company of the domain, else one created from the domain, else none. */
function initialCompanyChoice(sender: UnknownSender): string {
  if (sender.domainCompanies[0]) return `domain:${sender.domainCompanies[0].id}`;
  return sender.proposedCompanyName ? 'new' : 'none';
}

/**
 * "Add contact" for an address of a message: a new contact (name from the header, company from the
 * domain or created on the spot) or the address added to an existing contact. Nothing is saved
 * until the user submits.
 */
export function AddSenderDialog({ messageId, sender, onClose, onSaved }: { messageId: string; sender: UnknownSender; onClose: () => void; onSaved: (saved: SenderSaved) => void }) {
  const t = useTranslations('senders');
  const titleId = useId();
  const [mode, setMode] = useState<Mode>('new');

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="fixed inset-0 z-30 flex items-end justify-center bg-slate-900/40 p-2 sm:items-center sm:p-4">
      <div className="flex max-h-[calc(100dvh-1rem)] w-full max-w-lg flex-col gap-3 overflow-y-auto rounded-lg bg-white p-4 shadow-xl sm:p-5">
        <div>
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {t('dialogTitle')}
          </h2>
          <p className="break-all text-sm text-slate-600">
            {sender.displayName ? `${sender.displayName} ` : ''}&lt;{sender.address}&gt;
          </p>
        </div>
        <div role="radiogroup" aria-label={t('dialogTitle')} className="grid grid-cols-2 gap-1 rounded-md bg-slate-100 p-1 text-sm">
          {(['new', 'existing'] as const).map((value) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={mode === value}
              onClick={() => setMode(value)}
              className={`min-h-10 rounded px-2 ${mode === value ? 'bg-white font-medium text-slate-900 shadow-sm' : 'text-slate-600'}`}
            >
              {value === 'new' ? t('modeNew') : t('modeExisting')}
            </button>
          ))}
        </div>
        {mode === 'new' ? (
          <NewContactForm messageId={messageId} sender={sender} onSaved={onSaved} onClose={onClose} />
        ) : (
          <ExistingContactForm messageId={messageId} sender={sender} onSaved={onSaved} onClose={onClose} />
        )}
      </div>
    </div>
  );
}

type SenderAction = (previous: ActionResult<SenderSaved> | null, input: FormData) => Promise<ActionResult<SenderSaved>>;

/**
 * Submits without React's form reset and reports a save straight from the submit handler, not from
 * an effect: the save re-renders the message page, which may replace this dialog before an effect
 * of it would run.
 */
function useSenderForm(action: SenderAction, onSaved: (saved: SenderSaved) => void) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<SenderSaved> | null>(null);
  const [pending, startTransition] = useTransition();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(async () => {
      const outcome = await action(null, data);
      setResult(outcome);
      if (outcome.ok) {
        onSaved(outcome.data);
        // The banner is the server's list of unknown addresses: reload it now the address is known.
        router.refresh();
      }
    });
  };
  const fieldError = (name: string) => (result && !result.ok ? result.fieldErrors?.[name]?.[0] : undefined);
  return { result, pending, onSubmit, fieldError };
}

function Buttons({ pending, submit, pendingLabel, onClose }: { pending: boolean; submit: string; pendingLabel: string; onClose: () => void }) {
  const t = useTranslations('crm');
  return (
    <div className="flex justify-end gap-2">
      <button type="button" onClick={onClose} className="rounded-md border border-slate-300 px-4 py-2">
        {t('cancel')}
      </button>
      <SubmitButton pending={pending} pendingLabel={pendingLabel}>
        {submit}
      </SubmitButton>
    </div>
  );
}

type FormProps = { messageId: string; sender: UnknownSender; onSaved: (saved: SenderSaved) => void; onClose: () => void };

function NewContactForm({ messageId, sender, onSaved, onClose }: FormProps) {
  const t = useTranslations('senders');
  const tCrm = useTranslations('crm');
  const { result, pending, onSubmit, fieldError } = useSenderForm(addSenderContactAction, onSaved);
  const [choice, setChoice] = useState(() => initialCompanyChoice(sender));
  const radio = (value: string, label: ReactNode) => (
    <label className="flex min-h-10 items-start gap-2">
      <input type="radio" name="companyChoice" value={value} checked={choice === value} onChange={() => setChoice(value)} className="mt-1" />
      <span className="min-w-0 break-words">{label}</span>
    </label>
  );
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" data-testid="add-sender-form">
      <input type="hidden" name="messageId" value={messageId} />
      <input type="hidden" name="address" value={sender.address} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label={tCrm('firstName')} name="firstName" id="sender-first-name" defaultValue={sender.firstName} error={fieldError('firstName')} autoComplete="off" />
        <Field label={tCrm('lastName')} name="lastName" id="sender-last-name" defaultValue={sender.lastName} error={fieldError('lastName')} autoComplete="off" />
      </div>
      <fieldset className="flex flex-col gap-1">
        <legend className="mb-1 text-sm font-medium text-slate-700">{tCrm('company')}</legend>
        {sender.freeMail ? <p className="text-sm text-slate-500">{t('freeMailHint', { domain: sender.domain })}</p> : null}
        {sender.domainCompanies.map((company) => radio(`domain:${company.id}`, t('mightWorkAt', { names: company.name })))}
        {sender.proposedCompanyName ? (
          <>
            {radio('new', t('createCompany', { domain: sender.domain }))}
            {choice === 'new' ? (
              <div className="ml-6">
                <Field label={t('newCompanyName')} name="companyName" id="sender-company-name" defaultValue={sender.proposedCompanyName} error={fieldError('companyName')} autoComplete="off" />
              </div>
            ) : null}
          </>
        ) : null}
        {radio('other', t('otherCompany'))}
        {choice === 'other' ? (
          <div className="ml-6">
            <RecordPicker kind="company" name="companyId" label={t('findCompany')} initial={[]} error={fieldError('companyId')} />
          </div>
        ) : null}
        {radio('none', t('noCompany'))}
      </fieldset>
      <FormAlert message={result && !result.ok ? result.error : null} />
      <Buttons pending={pending} submit={t('addContact')} pendingLabel={t('adding')} onClose={onClose} />
    </form>
  );
}

function ExistingContactForm({ messageId, sender, onSaved, onClose }: FormProps) {
  const t = useTranslations('senders');
  const { result, pending, onSubmit, fieldError } = useSenderForm(addSenderAddressAction, onSaved);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" data-testid="add-address-form">
      <input type="hidden" name="messageId" value={messageId} />
      <input type="hidden" name="address" value={sender.address} />
      <p className="text-sm text-slate-600">{t('existingHint', { address: sender.address })}</p>
      <RecordPicker kind="contact" name="contactId" label={t('findContact')} initial={[]} error={fieldError('contactId')} />
      <FormAlert message={result && !result.ok ? result.error : null} />
      <Buttons pending={pending} submit={t('addAddress')} pendingLabel={t('adding')} onClose={onClose} />
    </form>
  );
}
