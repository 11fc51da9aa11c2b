'use client';

import { useTranslations } from 'next-intl';
import { createCompanyAction, updateCompanyAction } from '@/lib/crm/companies/actions';
import { Field, TextAreaField } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { OwnerSelect, RecordFormFrame, type OwnerChoice } from './form-parts';

export interface CompanyFormValues {
  id?: string;
  version?: number;
  name: string;
  domains: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  website: string;
  category: string;
  ownerId: string | null;
  notes: string;
}

export function CompanyForm({ values, owners, categories }: { values: CompanyFormValues; owners: OwnerChoice[]; categories: string[] }) {
  const t = useTranslations('crm');
  const editing = values.id !== undefined;
  const { result, pending, onSubmit, fieldError } = useActionForm(editing ? updateCompanyAction : createCompanyAction);
  return (
    <RecordFormFrame
      onSubmit={onSubmit}
      error={result && !result.ok ? result.error : null}
      pending={pending}
      editing={editing}
      cancelHref={editing ? `/companies/${values.id}` : '/companies'}
      hidden={editing ? { id: values.id!, version: values.version! } : undefined}
    >
      <div className="sm:col-span-2">
        <Field label={t('name')} name="name" defaultValue={values.name} required error={fieldError('name')} />
      </div>
      <div className="sm:col-span-2">
        <Field label={t('domains')} name="domains" defaultValue={values.domains} hint={t('domainsHint')} error={fieldError('domains')} />
      </div>
      <Field label={t('phone')} name="phone" type="tel" defaultValue={values.phone} error={fieldError('phone')} />
      <Field label={t('website')} name="website" defaultValue={values.website} error={fieldError('website')} />
      <div className="sm:col-span-2">
        <Field label={t('street')} name="street" defaultValue={values.street} error={fieldError('street')} />
      </div>
      <Field label={t('postalCode')} name="postalCode" defaultValue={values.postalCode} error={fieldError('postalCode')} />
      <Field label={t('city')} name="city" defaultValue={values.city} error={fieldError('city')} />
      <Field label={t('country')} name="country" defaultValue={values.country} error={fieldError('country')} />
      <Field label={t('category')} name="category" defaultValue={values.category} list="company-categories" error={fieldError('category')} />
      <datalist id="company-categories">
        {categories.map((category) => (
          <option key={category} value={category} />
        ))}
      </datalist>
      <OwnerSelect owners={owners} defaultValue={values.ownerId} error={fieldError('ownerId')} />
      <div className="sm:col-span-2">
        <TextAreaField label={t('notes')} name="notes" defaultValue={values.notes} rows={4} error={fieldError('notes')} />
      </div>
    </RecordFormFrame>
  );
}
