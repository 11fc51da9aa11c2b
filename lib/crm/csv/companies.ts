import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { UserFacingError } from '@/lib/actions/errors';
import { companies, companyDomains, users } from '@/db/schema';
import { companyFieldsSchema, createCompany, updateCompany, type CompanyFields } from '@/lib/crm/companies';
import { assertActiveViewer, isRecordId, sortKeyOf, type Queryable, type Viewer } from '@/lib/crm/shared';
import { countPlans, skipReasonFromIssues, type ImportPreview, type ImportRowPlan } from './plan';
import { mapColumns, readCsv } from './read';
import { toCsv } from './write';

export const companyCsvHeader = ['id', 'name', 'domains', 'phone', 'street', 'postal_code', 'city', 'country', 'website', 'category', 'owner', 'notes'] as const;

const aliases = {
  id: ['id'],
  name: ['name', 'namn', 'company', 'companyname', 'foretag', 'foretagsnamn'],
  domains: ['domains', 'domain', 'domaner', 'doman', 'emaildomains', 'epostdomaner'],
  phone: ['phone', 'telephone', 'telefon', 'tel'],
  street: ['street', 'streetaddress', 'address', 'gatuadress', 'adress'],
  postalCode: ['postalcode', 'postcode', 'zip', 'zipcode', 'postnummer', 'postnr'],
  city: ['city', 'town', 'ort', 'stad', 'postort'],
  country: ['country', 'land'],
  website: ['website', 'web', 'url', 'webbplats', 'hemsida'],
  category: ['category', 'kategori', 'type', 'typ'],
  owner: ['owner', 'agare', 'vartkontakt', 'ourcontact'],
  notes: ['notes', 'note', 'anteckningar', 'anteckning', 'info'],
};

const BATCH = 1000;

/** Every company as CSV (owner as e-mail address, domains separated by semicolons), by name. */
export async function exportCompaniesCsv(db: Queryable, viewer: Viewer): Promise<string> {
  await assertActiveViewer(db, viewer);
  const rows: string[][] = [];
  let after: { key: string; id: string } | null = null;
  for (;;) {
    const condition = after ? sql`(${companies.sortKey}, ${companies.id}) > (${after.key}, ${after.id}::uuid)` : undefined;
    const batch: { company: typeof companies.$inferSelect; ownerEmail: string | null; domains: string[] }[] = await db
      .select({
        company: companies,
        ownerEmail: users.email,
        domains: sql<string[]>`coalesce((select array_agg(d.domain order by d.domain) from ${companyDomains} d where d.company_id = ${companies.id}), '{}')`,
      })
      .from(companies)
      .leftJoin(users, eq(users.id, companies.ownerId))
      .where(condition)
      .orderBy(asc(companies.sortKey), asc(companies.id))
      .limit(BATCH);
    for (const { company, ownerEmail, domains } of batch) {
      rows.push([company.id, company.name, domains.join('; '), company.phone, company.street, company.postalCode, company.city, company.country, company.website, company.category, ownerEmail ?? '', company.notes]);
    }
    if (batch.length < BATCH) break;
    const last: typeof companies.$inferSelect = batch.at(-1)!.company;
    after = { key: last.sortKey, id: last.id };
  }
  return toCsv([...companyCsvHeader], rows);
}

/** Users by lower-cased address, for the owner column. */
export async function ownersByEmail(db: Queryable): Promise<Map<string, string>> {
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.isActive, true));
  return new Map(rows.map((row) => [row.email, row.id]));
}

/**
 * What importing the file would do, row by row, without writing anything: a row with an `id` of an
 * existing company updates it, else a row whose name matches one company (case-insensitively)
 * updates that one, else it creates a company. Rows without a name, with an invalid domain, an
 * unknown owner, or the same name as an earlier row are skipped, each with its reason.
 */
export async function previewCompanyImport(db: Queryable, viewer: Viewer, bytes: Uint8Array): Promise<ImportPreview<CompanyFields>> {
  await assertActiveViewer(db, viewer);
  const table = readCsv(bytes);
  const { index, used, ignored } = mapColumns(table.header, aliases);
  if (index.name === undefined) {
    throw new UserFacingError('crm.csvNoNameColumn', { column: 'name' });
  }
  const cell = (cells: string[], field: keyof typeof aliases) => (index[field] === undefined ? '' : (cells[index[field]!] ?? '').trim());
  const owners = await ownersByEmail(db);

  const ids = table.rows.map((row) => cell(row.cells, 'id')).filter(isRecordId);
  const names = [...new Set(table.rows.map((row) => sortKeyOf(cell(row.cells, 'name'))).filter(Boolean))];
  const existingById = new Set<string>();
  for (let start = 0; start < ids.length; start += BATCH) {
    const found = await db.select({ id: companies.id }).from(companies).where(inArray(companies.id, ids.slice(start, start + BATCH)));
    found.forEach((row) => existingById.add(row.id));
  }
  const byName = new Map<string, string[]>();
  for (let start = 0; start < names.length; start += BATCH) {
    const found = await db.select({ id: companies.id, sortKey: companies.sortKey }).from(companies).where(inArray(companies.sortKey, names.slice(start, start + BATCH)));
    found.forEach((row) => byName.set(row.sortKey, [...(byName.get(row.sortKey) ?? []), row.id]));
  }

  const seen = new Map<string, number>();
  const plans: ImportRowPlan<CompanyFields>[] = table.rows.map(({ line, cells }) => {
    const name = cell(cells, 'name');
    const ownerEmail = cell(cells, 'owner').toLowerCase();
    const ownerId = ownerEmail ? owners.get(ownerEmail) : undefined;
    if (ownerEmail && !ownerId) return { line, label: name, action: 'skip', reason: { key: 'skip.unknownOwner', values: { value: ownerEmail } } };
    const parsed = companyFieldsSchema.safeParse({
      name,
      domains: cell(cells, 'domains'),
      phone: cell(cells, 'phone'),
      street: cell(cells, 'street'),
      postalCode: cell(cells, 'postalCode'),
      city: cell(cells, 'city'),
      country: cell(cells, 'country'),
      website: cell(cells, 'website'),
      category: cell(cells, 'category'),
      ownerId: ownerId ?? '',
      notes: cell(cells, 'notes'),
    });
    if (!parsed.success) {
      const reason = skipReasonFromIssues(parsed.error.issues);
      if (reason.key === 'skip.invalidDomain') reason.values = { value: cell(cells, 'domains') };
      return { line, label: name, action: 'skip', reason };
    }
    const key = sortKeyOf(name);
    const earlier = seen.get(key);
    if (earlier !== undefined) return { line, label: name, action: 'skip', reason: { key: 'skip.duplicateInFile', values: { row: earlier } } };
    seen.set(key, line);
    const id = cell(cells, 'id');
    if (existingById.has(id)) return { line, label: name, action: 'update', reason: { key: 'update.matchedById' }, targetId: id, fields: parsed.data };
    const sameName = byName.get(key) ?? [];
    if (sameName.length === 1) return { line, label: name, action: 'update', reason: { key: 'update.matchedByName' }, targetId: sameName[0], fields: parsed.data };
    return { line, label: name, action: 'create', reason: { key: 'create.new' }, fields: parsed.data };
  });
  return { columnsUsed: used, columnsIgnored: ignored, rows: plans, counts: countPlans(plans) };
}

/** Imports the file as previewCompanyImport() described it. */
export async function importCompanies(db: Database, viewer: Viewer, bytes: Uint8Array): Promise<ImportPreview<CompanyFields>['counts']> {
  const preview = await previewCompanyImport(db, viewer, bytes);
  for (const row of preview.rows) {
    if (row.action === 'create') await createCompany(db, viewer, row.fields!);
    if (row.action === 'update') {
      const [current] = await db.select({ version: companies.version }).from(companies).where(eq(companies.id, row.targetId!)).limit(1);
      if (current) await updateCompany(db, viewer, row.targetId!, current.version, row.fields!);
    }
  }
  return preview.counts;
}

