/** What an import will do with one row of the file, shown in the preview before anything is saved. */
export interface ImportRowPlan<F> {
  line: number;
  /** The record's name as the file gives it, for the preview table. */
  label: string;
  action: 'create' | 'update' | 'skip';
  /** An i18n key under `crm.` with its values: why a row is skipped, or how an update was matched. */
  reason: { key: string; values?: Record<string, string | number> };
  /** The record to update (action `update`). */
  targetId?: string;
  fields?: F;
}

export interface ImportPreview<F> {
  columnsUsed: string[];
  columnsIgnored: string[];
  rows: ImportRowPlan<F>[];
  counts: { create: number; update: number; skip: number };
}

export function countPlans<F>(rows: ImportRowPlan<F>[]): ImportPreview<F>['counts'] {
  return {
    create: rows.filter((row) => row.action === 'create').length,
    update: rows.filter((row) => row.action === 'update').length,
    skip: rows.filter((row) => row.action === 'skip').length,
  };
}

/** Records a skip with the first problem a zod parse reports, as a reason the preview can show. */
export function skipReasonFromIssues(issues: { path: PropertyKey[]; message: string }[]): { key: string; values?: Record<string, string> } {
  const issue = issues[0];
  if (!issue) return { key: 'skip.tooLong' };
  if (issue.message === 'crm.nameRequired' || issue.message === 'crm.contactNameRequired') return { key: 'skip.noName' };
  if (issue.message === 'crm.invalidDomain') return { key: 'skip.invalidDomain', values: { value: '' } };
  if (issue.message === 'invalidEmail') return { key: 'skip.invalidEmail', values: { value: '' } };
  return { key: 'skip.tooLong' };
}
