import { sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { executeRows } from '@/db/execute';
import { companyFieldsSchema, createCompany } from '@/lib/crm/companies';
import { contactFieldsSchema, createContact } from '@/lib/crm/contacts';
import { createProject, projectFieldsSchema } from '@/lib/crm/projects';
import { createSale, defaultProbability, saleFieldsSchema } from '@/lib/crm/sales';
import { listOwnerChoices, type Viewer } from '@/lib/crm/shared';
import { addNote } from '@/lib/crm/timeline';
import { demoCompanies, demoJobTitles, demoPeople, demoProjects, demoSales } from './data';

export interface SeedSummary {
  companies: number;
  contacts: number;
  projects: number;
  sales: number;
}

/** How many CRM records the database holds: a seed refuses to run over existing ones unless forced. */
export async function countCrmRecords(db: Database): Promise<number> {
  const [row] = await executeRows<{ total: number }>(
    db,
    sql`select ((select count(*) from companies) + (select count(*) from contacts) + (select count(*) from projects) + (select count(*) from sales))::int as total`,
  );
  return row?.total ?? 0;
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

/**
 * Fills a demo CRM through the same functions the app uses (so search words, timelines and stage
 * history are as real): 20 companies, 60 contacts, 5 projects and 12 sales, two in every stage.
 * Records are given in turn to the active users; `viewer` is who "created" them.
 */
export async function seedDemoCrm(db: Database, viewer: Viewer): Promise<SeedSummary> {
  const owners = await listOwnerChoices(db, viewer);
  const ownerAt = (index: number) => owners[index % owners.length]?.id ?? '';
  const companyIds: string[] = [];
  const contactIdsByCompany: string[][] = [];
  const usedNames = new Map<string, number>();
  for (const [index, company] of demoCompanies.entries()) {
    const { id } = await createCompany(
      db,
      viewer,
      companyFieldsSchema.parse({
        name: company.name,
        domains: company.domains.join(', '),
        phone: company.phone,
        street: company.street,
        postalCode: company.postalCode,
        city: company.city,
        country: company.country,
        website: `https://www.${company.domains[0]}`,
        category: company.category,
        ownerId: ownerAt(index),
      }),
    );
    companyIds.push(id);
    const people = demoPeople[company.country]!;
    const ids: string[] = [];
    for (let person = 0; person < 3; person++) {
      const used = usedNames.get(company.country) ?? 0;
      usedNames.set(company.country, used + 1);
      const [firstName, lastName] = people[used % people.length]!;
      const local = `${ascii(firstName)}.${ascii(lastName)}`;
      const emails = [`${local}@${company.domains[0]}`];
      // Every company has a shared info@ mailbox that two of its people give out: flagged as a duplicate.
      if (person < 2) emails.push(`info@${company.domains[0]}`);
      const contact = await createContact(
        db,
        viewer,
        contactFieldsSchema.parse({
          firstName,
          lastName,
          companyId: id,
          jobTitle: demoJobTitles[(index + person) % demoJobTitles.length],
          emails,
          primaryEmail: '0',
          phones: [`${company.phone.slice(0, -2)}${String(10 + person * 7 + index).slice(-2)}`],
          phoneLabels: [person === 0 ? 'work' : 'mobile'],
          ownerId: ownerAt(index + person),
        }),
      );
      ids.push(contact.id);
    }
    contactIdsByCompany.push(ids);
  }
  for (const [index, project] of demoProjects.entries()) {
    const { id } = await createProject(
      db,
      viewer,
      projectFieldsSchema.parse({
        name: project.name,
        status: project.status,
        startDate: project.startDate,
        endDate: project.endDate ?? '',
        ownerId: ownerAt(index),
        companyIds: project.companies.map((company) => companyIds[company]),
        contactIds: project.companies.map((company) => contactIdsByCompany[company]![0]),
      }),
    );
    await addNote(db, viewer, { kind: 'project', id }, 'Kick-off held; next steps agreed with the customer.');
  }
  for (const [index, sale] of demoSales.entries()) {
    const close = new Date(Date.UTC(2027, index % 12, 15)).toISOString().slice(0, 10);
    await createSale(
      db,
      viewer,
      saleFieldsSchema.parse({
        title: sale.title,
        companyId: companyIds[sale.company],
        contactId: contactIdsByCompany[sale.company]![0],
        amount: sale.amount,
        currency: sale.currency,
        stage: sale.stage,
        probability: String(defaultProbability[sale.stage]),
        expectedCloseDate: close,
        ownerId: ownerAt(index),
      }),
    );
  }
  await addNote(db, viewer, { kind: 'company', id: companyIds[0]! }, 'Met their purchasing team at the trade fair. Interested in telematics for the whole fleet.');
  const contacts = contactIdsByCompany.reduce((sum, ids) => sum + ids.length, 0);
  return { companies: companyIds.length, contacts, projects: demoProjects.length, sales: demoSales.length };
}
