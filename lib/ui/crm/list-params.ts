import type { ListSort } from '@/lib/crm/shared';

export type SearchParams = Record<string, string | string[] | undefined>;

/** One value of a query parameter (the first when repeated), '' when absent. */
export function param(params: SearchParams, name: string): string {
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The parameters every list understands: search, owner, sort and the page cursor. */
export function commonListParams(params: SearchParams) {
  return {
    search: param(params, 'q') || undefined,
    ownerId: param(params, 'owner') || undefined,
    sort: (param(params, 'sort') === 'updated' ? 'updated' : 'name') as ListSort,
    cursor: param(params, 'cursor') || null,
  };
}

/** What the pager keeps in its links. */
export function pagerParams(params: SearchParams, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(['q', 'owner', 'sort', 'cursor', ...names].map((name) => [name, param(params, name) || undefined]));
}
