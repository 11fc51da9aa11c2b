'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { createContactAction, updateContactAction } from '@/lib/crm/contacts/actions';
import { phoneLabels } from '@/lib/crm/contacts/client';
import { Field, TextAreaField } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { OwnerSelect, RecordFormFrame, type OwnerChoice } from './form-parts';
import { RecordPicker, type PickedRecord } from './record-picker';

export interface ContactFormValues {
  id?: string;
  version?: number;
  firstName: string;
  lastName: string;
  company: PickedRecord | null;
  jobTitle: string;
  emails: { address: string; isPrimary: boolean }[];
  phones: { number: string; label: string }[];
  ownerId: string | null;
  notes: string;
}

let rowKey = 0;
const nextKey = () => ++rowKey;

export function ContactForm({ values, owners }: { values: ContactFormValues; owners: OwnerChoice[] }) {
  const t = useTranslations('crm');
  const editing = values.id !== undefined;
  const { result, pending, onSubmit, fieldError } = useActionForm(editing ? updateContactAction : createContactAction);
  const [emails, setEmails] = useState(() => (values.emails.length ? values.emails : [{ address: '', isPrimary: true }]).map((email) => ({ ...email, key: nextKey() })));
  const [primary, setPrimary] = useState(() => Math.max(0, values.emails.findIndex((email) => email.isPrimary)));
  const [phones, setPhones] = useState(() => (values.phones.length ? values.phones : [{ number: '', label: 'mobile' }]).map((phone) => ({ ...phone, key: nextKey() })));
  const small = 'rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50';

  return (
    <RecordFormFrame
      onSubmit={onSubmit}
      error={result && !result.ok ? result.error : null}
      pending={pending}
      editing={editing}
      cancelHref={editing ? `/contacts/${values.id}` : '/contacts'}
      hidden={editing ? { id: values.id!, version: values.version! } : undefined}
    >
      <Field label={t('firstName')} name="firstName" defaultValue={values.firstName} autoComplete="off" error={fieldError('firstName')} />
      <Field label={t('lastName')} name="lastName" defaultValue={values.lastName} autoComplete="off" error={fieldError('lastName')} />
      <RecordPicker kind="company" name="companyId" label={t('company')} initial={values.company ? [values.company] : []} error={fieldError('companyId')} />
      <Field label={t('jobTitle')} name="jobTitle" defaultValue={values.jobTitle} error={fieldError('jobTitle')} />
      <fieldset className="flex flex-col gap-2 sm:col-span-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">{t('emails')}</legend>
        {emails.map((email, index) => (
          <div key={email.key} className="flex flex-wrap items-center gap-2">
            <input
              type="email"
              name="emails[]"
              defaultValue={email.address}
              aria-label={`${t('email')} ${index + 1}`}
              className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-base"
            />
            <label className="flex items-center gap-1 text-sm">
              <input type="radio" name="primaryEmail" value={index} checked={primary === index} onChange={() => setPrimary(index)} />
              {t('primary')}
            </label>
            {emails.length > 1 ? (
              <button type="button" className={small} onClick={() => { setEmails(emails.filter((row) => row.key !== email.key)); setPrimary(0); }}>
                {t('remove')}
              </button>
            ) : null}
          </div>
        ))}
        {fieldError('emails') ? (
          <p className="text-sm text-red-700" role="alert">
            {fieldError('emails')}
          </p>
        ) : null}
        <div>
          <button type="button" className={small} onClick={() => setEmails([...emails, { address: '', isPrimary: false, key: nextKey() }])}>
            {t('addEmail')}
          </button>
        </div>
      </fieldset>
      <fieldset className="flex flex-col gap-2 sm:col-span-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">{t('phones')}</legend>
        {phones.map((phone, index) => (
          <div key={phone.key} className="flex flex-wrap items-center gap-2">
            <input type="tel" name="phones[]" defaultValue={phone.number} aria-label={`${t('phone')} ${index + 1}`} className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-base" />
            <select name="phoneLabels[]" defaultValue={phone.label} aria-label={`${t('phone')} ${index + 1}`} className="rounded-md border border-slate-300 bg-white px-2 py-2">
              {phoneLabels.map((label) => (
                <option key={label} value={label}>
                  {t(`phoneLabel.${label}`)}
                </option>
              ))}
            </select>
            {phones.length > 1 ? (
              <button type="button" className={small} onClick={() => setPhones(phones.filter((row) => row.key !== phone.key))}>
                {t('remove')}
              </button>
            ) : null}
          </div>
        ))}
        {fieldError('phones') ? (
          <p className="text-sm text-red-700" role="alert">
            {fieldError('phones')}
          </p>
        ) : null}
        <div>
          <button type="button" className={small} onClick={() => setPhones([...phones, { number: '', label: 'mobile', key: nextKey() }])}>
            {t('addPhone')}
          </button>
        </div>
      </fieldset>
      <OwnerSelect owners={owners} defaultValue={values.ownerId} error={fieldError('ownerId')} />
      <div className="sm:col-span-2">
        <TextAreaField label={t('notes')} name="notes" defaultValue={values.notes} rows={4} error={fieldError('notes')} />
      </div>
    </RecordFormFrame>
  );
}
