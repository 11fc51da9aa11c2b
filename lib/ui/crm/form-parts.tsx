'use client';

import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { FormAlert, SubmitButton } from '@/lib/ui/form';

export interface OwnerChoice {
  id: string;
  name: string;
}

export function SelectField({ label, name, defaultValue, options, error }: { label: string; name: string; defaultValue: string; options: { value: string; label: string }[]; error?: string }) {
  const id = `field-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} name={name} defaultValue={defaultValue} aria-invalid={error ? true : undefined} className={`w-full rounded-md border bg-white px-3 py-2 text-base ${error ? 'border-red-500' : 'border-slate-300'}`}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <p className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function OwnerSelect({ owners, defaultValue, error }: { owners: OwnerChoice[]; defaultValue: string | null; error?: string }) {
  const t = useTranslations('crm');
  return (
    <SelectField
      label={t('owner')}
      name="ownerId"
      defaultValue={defaultValue ?? ''}
      options={[{ value: '', label: t('noOwner') }, ...owners.map((owner) => ({ value: owner.id, label: owner.name }))]}
      error={error}
    />
  );
}

/** The frame of every record form: the error on top, the fields in a grid, save and cancel below. */
export function RecordFormFrame({
  onSubmit,
  error,
  pending,
  editing,
  cancelHref,
  hidden,
  children,
}: {
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  error: string | null;
  pending: boolean;
  editing: boolean;
  cancelHref: string;
  hidden?: Record<string, string | number>;
  children: ReactNode;
}) {
  const t = useTranslations('crm');
  return (
    <form onSubmit={onSubmit} noValidate className="grid max-w-3xl grid-cols-1 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 sm:p-6">
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="sm:col-span-2">
        <FormAlert message={error} />
      </div>
      {children}
      <div className="flex gap-2 sm:col-span-2">
        <SubmitButton pending={pending} pendingLabel={editing ? t('saving') : t('creating')}>
          {editing ? t('save') : t('create')}
        </SubmitButton>
        <a href={cancelHref} className="inline-flex items-center rounded-md border border-slate-300 px-4 py-2">
          {t('cancel')}
        </a>
      </div>
    </form>
  );
}
