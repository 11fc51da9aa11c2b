'use client';

import { useTranslations } from 'next-intl';
import { createProjectAction, updateProjectAction } from '@/lib/crm/projects/actions';
import { projectStatuses } from '@/lib/crm/projects/client';
import { Field, TextAreaField } from '@/lib/ui/form';
import { useActionForm } from '@/lib/ui/use-action-form';
import { OwnerSelect, RecordFormFrame, SelectField, type OwnerChoice } from './form-parts';
import { RecordPicker, type PickedRecord } from './record-picker';

export interface ProjectFormValues {
  id?: string;
  version?: number;
  name: string;
  status: string;
  ownerId: string | null;
  startDate: string | null;
  endDate: string | null;
  notes: string;
  companies: PickedRecord[];
  contacts: PickedRecord[];
}

export function ProjectForm({ values, owners }: { values: ProjectFormValues; owners: OwnerChoice[] }) {
  const t = useTranslations('crm');
  const editing = values.id !== undefined;
  const { result, pending, onSubmit, fieldError } = useActionForm(editing ? updateProjectAction : createProjectAction);
  return (
    <RecordFormFrame
      onSubmit={onSubmit}
      error={result && !result.ok ? result.error : null}
      pending={pending}
      editing={editing}
      cancelHref={editing ? `/projects/${values.id}` : '/projects'}
      hidden={editing ? { id: values.id!, version: values.version! } : undefined}
    >
      <div className="sm:col-span-2">
        <Field label={t('name')} name="name" defaultValue={values.name} required error={fieldError('name')} />
      </div>
      <SelectField label={t('status')} name="status" defaultValue={values.status} options={projectStatuses.map((status) => ({ value: status, label: t(`statuses.${status}`) }))} error={fieldError('status')} />
      <OwnerSelect owners={owners} defaultValue={values.ownerId} error={fieldError('ownerId')} />
      <Field label={t('startDate')} name="startDate" type="date" defaultValue={values.startDate ?? ''} error={fieldError('startDate')} />
      <Field label={t('endDate')} name="endDate" type="date" defaultValue={values.endDate ?? ''} error={fieldError('endDate')} />
      <RecordPicker kind="company" name="companyIds" multiple label={t('participantCompanies')} initial={values.companies} error={fieldError('companyIds')} />
      <RecordPicker kind="contact" name="contactIds" multiple label={t('participantContacts')} initial={values.contacts} error={fieldError('contactIds')} />
      <div className="sm:col-span-2">
        <TextAreaField label={t('notes')} name="notes" defaultValue={values.notes} rows={4} error={fieldError('notes')} />
      </div>
    </RecordFormFrame>
  );
}
