export { visibleDocument, visibleDocumentAlias } from '@/lib/crm/shared';

/** Postgres' unique_violation: two people archived the same message at the same moment. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
