export const recordKinds = ['company', 'contact', 'project', 'sale'] as const;
export type RecordKind = (typeof recordKinds)[number];

/** One CRM record, by kind and id: what a note or a timeline entry belongs to. */
export interface RecordRef {
  kind: RecordKind;
  id: string;
}

/** The column of crm_notes / timeline_events that points at a record of this kind. */
export const recordColumnKey = {
  company: 'companyId',
  contact: 'contactId',
  project: 'projectId',
  sale: 'saleId',
} as const satisfies Record<RecordKind, string>;

export function recordColumns(ref: RecordRef): { companyId?: string; contactId?: string; projectId?: string; saleId?: string } {
  return { [recordColumnKey[ref.kind]]: ref.id };
}

/** The app path of a record's page. */
export function recordHref(ref: RecordRef): string {
  const section = { company: 'companies', contact: 'contacts', project: 'projects', sale: 'sales' }[ref.kind];
  return `/${section}/${ref.id}`;
}
