'use server';

import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { listCompanies } from '@/lib/crm/companies';
import { contactDisplayName, listContacts } from '@/lib/crm/contacts';
import { listProjects } from '@/lib/crm/projects';
import { listSales } from '@/lib/crm/sales';
import { globalSearch } from './service';

/** The pickers of the record forms and the archive dialog: the first few records of a kind matching what was typed. */
export const lookupRecordsAction = authenticatedAction(
  'crm.lookup',
  z.object({ kind: z.enum(['company', 'contact', 'project', 'sale'], 'invalidValue'), q: z.string().max(200, 'crm.tooLong') }),
  async ({ kind, q }, { db, user }) => {
    if (kind === 'project') {
      const page = await listProjects(db, user, { search: q, limit: 8 });
      return page.items.map((item) => ({ id: item.id, label: item.name, detail: item.companyNames.join(', ') }));
    }
    if (kind === 'sale') {
      const page = await listSales(db, user, { search: q, limit: 8 });
      return page.items.map((item) => ({ id: item.id, label: item.title, detail: item.companyName ?? '' }));
    }
    if (kind === 'company') {
      const page = await listCompanies(db, user, { search: q, limit: 8 });
      return page.items.map((item) => ({ id: item.id, label: item.name, detail: [item.city, item.domains[0]].filter(Boolean).join(' · ') }));
    }
    const page = await listContacts(db, user, { search: q, limit: 8 });
    return page.items.map((item) => ({ id: item.id, label: contactDisplayName(item) || (item.primaryEmail ?? ''), detail: [item.companyName, item.primaryEmail].filter(Boolean).join(' · ') }));
  },
);

/** The top bar's search box, as you type. */
export const globalSearchAction = authenticatedAction('crm.search', z.object({ q: z.string().max(200, 'crm.tooLong') }), async ({ q }, { db, user }) =>
  globalSearch(db, user, q, 5),
);
