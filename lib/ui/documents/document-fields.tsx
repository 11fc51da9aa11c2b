'use client';

import { useTranslations } from 'next-intl';

export interface DocumentFieldValues {
  subject: string;
  /** YYYY-MM-DD */
  date: string;
  /** Null where the kind is not the user's choice (an archived attachment is a document). */
  kind: 'email_in' | 'email_out' | null;
  ourReference?: string;
  yourReference?: string;
  visibility?: 'everyone' | 'only_me';
  completed?: boolean;
}

/**
 * Kind, subject, date, references, visibility and completed: SuperOffice's document fields, shared by
 * the archive dialog and "Change links". Subject and date are left out when several messages are
 * archived at once (each keeps its own); visibility is shown only to whoever may change it.
 */
export function DocumentFields({
  values,
  subjectAndDate = true,
  subjectPlaceholder,
  canChangeVisibility = true,
}: {
  values: DocumentFieldValues;
  subjectAndDate?: boolean;
  subjectPlaceholder?: string;
  canChangeVisibility?: boolean;
}) {
  const t = useTranslations('documents');
  const field = 'w-full rounded-md border border-slate-300 px-3 py-2 text-base';
  const label = 'flex flex-col gap-1 text-sm font-medium text-slate-700';
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {values.kind ? (
        <label className={label}>
          {t('kind')}
          <select name="kind" defaultValue={values.kind} className={field}>
            <option value="email_in">{t('kinds.email_in')}</option>
            <option value="email_out">{t('kinds.email_out')}</option>
          </select>
        </label>
      ) : null}
      {subjectAndDate ? (
        <>
          <label className={`${label} sm:col-span-2`}>
            {t('subject')}
            <input name="subject" defaultValue={values.subject} placeholder={subjectPlaceholder} className={field} />
          </label>
          <label className={label}>
            {t('date')}
            <input type="date" name="date" defaultValue={values.date} className={field} />
          </label>
        </>
      ) : null}
      <label className={label}>
        {t('ourReference')}
        <input name="ourReference" defaultValue={values.ourReference ?? ''} className={field} maxLength={200} />
      </label>
      <label className={label}>
        {t('yourReference')}
        <input name="yourReference" defaultValue={values.yourReference ?? ''} className={field} maxLength={200} />
      </label>
      {canChangeVisibility ? (
        <fieldset className="flex flex-col gap-1 text-sm">
          <legend className="font-medium text-slate-700">{t('visibleFor')}</legend>
          <label className="flex min-h-8 items-center gap-2">
            <input type="radio" name="visibility" value="everyone" defaultChecked={values.visibility !== 'only_me'} /> {t('visibility.everyone')}
          </label>
          <label className="flex min-h-8 items-center gap-2">
            <input type="radio" name="visibility" value="only_me" defaultChecked={values.visibility === 'only_me'} /> {t('visibility.only_me')}
          </label>
        </fieldset>
      ) : (
        <input type="hidden" name="visibility" value={values.visibility ?? 'everyone'} />
      )}
      <label className="flex min-h-10 items-center gap-2 text-sm text-slate-700">
        {/* Unticked sends only the hidden "false"; ticked sends both, and the last one counts. */}
        <input type="hidden" name="completed" value="false" />
        <input type="checkbox" name="completed" value="true" defaultChecked={values.completed ?? true} className="h-4 w-4" /> {t('completed')}
      </label>
    </div>
  );
}

export function DialogButtons({ onCancel, pending, submitLabel, submitTestId }: { onCancel: () => void; pending: boolean; submitLabel: string; submitTestId?: string }) {
  const t = useTranslations('documents');
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <button type="button" onClick={onCancel} className="min-h-10 rounded-md border border-slate-300 px-4 text-sm hover:bg-slate-100">
        {t('cancel')}
      </button>
      <button type="submit" disabled={pending} data-testid={submitTestId} className="min-h-10 rounded-md bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
        {submitLabel}
      </button>
    </div>
  );
}
