'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { createSaleAction, updateSaleAction } from '@/lib/crm/sales/actions';
import { defaultProbability, saleStages, type SaleStageName } from '@/lib/crm/sales/client';
import { Field, TextAreaField } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { OwnerSelect, RecordFormFrame, type OwnerChoice } from './form-parts';
import { RecordPicker, type PickedRecord } from './record-picker';

export interface SaleFormValues {
  id?: string;
  version?: number;
  title: string;
  company: PickedRecord | null;
  contact: PickedRecord | null;
  amount: string;
  currency: string;
  stage: SaleStageName;
  probability: number;
  expectedCloseDate: string | null;
  ownerId: string | null;
  notes: string;
}

export function SaleForm({ values, owners }: { values: SaleFormValues; owners: OwnerChoice[] }) {
  const t = useTranslations('crm');
  const editing = values.id !== undefined;
  const { result, pending, onSubmit, fieldError } = useActionForm(editing ? updateSaleAction : createSaleAction);
  const [stage, setStage] = useState<SaleStageName>(values.stage);
  const [probability, setProbability] = useState(String(values.probability));
  return (
    <RecordFormFrame
      onSubmit={onSubmit}
      error={result && !result.ok ? result.error : null}
      pending={pending}
      editing={editing}
      cancelHref={editing ? `/sales/${values.id}` : '/sales'}
      hidden={editing ? { id: values.id!, version: values.version! } : undefined}
    >
      <div className="sm:col-span-2">
        <Field label={t('title')} name="title" defaultValue={values.title} required error={fieldError('title')} />
      </div>
      <RecordPicker kind="company" name="companyId" label={t('company')} initial={values.company ? [values.company] : []} error={fieldError('companyId')} />
      <RecordPicker kind="contact" name="contactId" label={t('contact')} initial={values.contact ? [values.contact] : []} error={fieldError('contactId')} />
      <Field label={t('amount')} name="amount" inputMode="decimal" defaultValue={values.amount} error={fieldError('amount')} />
      <Field label={t('currency')} name="currency" defaultValue={values.currency} maxLength={3} hint={t('currencyHint')} error={fieldError('currency')} />
      <div className="flex flex-col gap-1">
        <label htmlFor="field-stage" className="text-sm font-medium text-slate-700">
          {t('stage')}
        </label>
        <select
          id="field-stage"
          name="stage"
          value={stage}
          onChange={(event) => {
            const next = event.target.value as SaleStageName;
            // Moving the stage suggests its usual probability, as pipeline CRMs do; it stays editable.
            if (Number(probability) === defaultProbability[stage]) setProbability(String(defaultProbability[next]));
            setStage(next);
          }}
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base"
        >
          {saleStages.map((value) => (
            <option key={value} value={value}>
              {t(`stages.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <Field label={t('probability')} name="probability" type="number" min={0} max={100} value={probability} onChange={(event) => setProbability(event.target.value)} error={fieldError('probability')} />
      <Field label={t('expectedCloseDate')} name="expectedCloseDate" type="date" defaultValue={values.expectedCloseDate ?? ''} error={fieldError('expectedCloseDate')} />
      <OwnerSelect owners={owners} defaultValue={values.ownerId} error={fieldError('ownerId')} />
      <div className="sm:col-span-2">
        <TextAreaField label={t('notes')} name="notes" defaultValue={values.notes} rows={4} error={fieldError('notes')} />
      </div>
    </RecordFormFrame>
  );
}
