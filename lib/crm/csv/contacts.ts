import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db';
import { companies, contactEmails, contacts, users } from '@/db/schema';
import { UserFacingError } from '@/lib/actions/errors';
import { contactFieldsSchema, createContact, phoneLabels, updateContact, type ContactFields } from '@/lib/crm/contacts';
import { assertActiveViewer, isRecordId, sortKeyOf, type Queryable, type Viewer } from '@/lib/crm/shared';
import { ownersByEmail } from './companies';
import { countPlans, skipReasonFromIssues, type ImportPreview, type ImportRowPlan } from './plan';
import { mapColumns, readCsv, splitList } from './read';
import { toCsv } from './write';

export const contactCsvHeader = ['id', 'first_name', 'last_name', 'company', 'job_title', 'emails', 'phones', 'owner', 'notes'] as const;

const aliases = {
  id: ['id'],
  firstName: ['firstname', 'fornamn', 'givenname'],
  lastName: ['lastname', 'efternamn', 'surname', 'familyname'],
  company: ['company', 'companyname', 'foretag', 'organisation', 'organization'],
  jobTitle: ['jobtitle', 'title', 'titel', 'befattning', 'roll'],
  emails: ['emails', 'email', 'emailaddress', 'emailaddresses', 'epost', 'epostadress', 'epostadresser', 'mail'],
  phones: ['phones', 'phone', 'telephone', 'telefon', 'mobile', 'mobil', 'telefonnummer'],
  owner: ['owner', 'agare', 'vartkontakt', 'ourcontact'],
  notes: ['notes', 'note', 'anteckningar', 'anteckning'],
};

const BATCH = 1000;
type ContactRow = typeof contacts.$inferSelect;

/** Every contact as CSV: addresses primary first and phones as "number (label)", both separated by semicolons. */
export async function exportContactsCsv(db: Queryable, viewer: Viewer): Promise<string> {
  await assertActiveViewer(db, viewer);
  const rows: string[][] = [];
  let after: { key: string; id: string } | null = null;
  for (;;) {
    const condition = after ? sql`(${contacts.sortKey}, ${contacts.id}) > (${after.key}, ${after.id}::uuid)` : undefined;
    const batch: { contact: ContactRow; companyName: string | null; ownerEmail: string | null; emails: string[]; phones: string[] }[] = await db
      .select({
        contact: contacts,
        companyName: companies.name,
        ownerEmail: users.email,
        emails: sql<string[]>`coalesce((select array_agg(e.address order by e.is_primary desc, e.position) from contact_emails e where e.contact_id = ${contacts.id}), '{}')`,
        phones: sql<string[]>`coalesce((select array_agg(p.number || ' (' || p.label || ')' order by p.position) from contact_phones p where p.contact_id = ${contacts.id}), '{}')`,
      })
      .from(contacts)
      .leftJoin(companies, eq(companies.id, contacts.companyId))
      .leftJoin(users, eq(users.id, contacts.ownerId))
      .where(condition)
      .orderBy(asc(contacts.sortKey), asc(contacts.id))
      .limit(BATCH);
    for (const { contact, companyName, ownerEmail, emails, phones } of batch) {
      rows.push([contact.id, contact.firstName, contact.lastName, companyName ?? '', contact.jobTitle, emails.join('; '), phones.join('; '), ownerEmail ?? '', contact.notes]);
    }
    if (batch.length < BATCH) break;
    const last: ContactRow = batch.at(-1)!.contact;
    after = { key: last.sortKey, id: last.id };
  }
  return toCsv([...contactCsvHeader], rows);
}

/** "+46 70-123 45 67 (mobile)" → number and label; a number without a known label is "work". */
function parsePhone(text: string): { number: string; label: string } {
  const match = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(text);
  const label = match?.[2]?.trim().toLowerCase() ?? '';
  return match && (phoneLabels as readonly string[]).includes(label) ? { number: match[1]!.trim(), label } : { number: text.trim(), label: 'work' };
}

/**
 * What importing the file would do, without writing anything: a row with the `id` of an existing
 * contact updates it; else a row with an address (primary first) that exactly one contact has updates that one;
 * else it creates a contact. The company column is matched by name to an existing company.
 */
export async function previewContactImport(db: Queryable, viewer: Viewer, bytes: Uint8Array): Promise<ImportPreview<ContactFields>> {
  await assertActiveViewer(db, viewer);
  const table = readCsv(bytes);
  const { index, used, ignored } = mapColumns(table.header, aliases);
  if (index.lastName === undefined && index.firstName === undefined) throw new UserFacingError('crm.csvNoNameColumn', { column: 'last_name' });
  const cell = (cells: string[], field: keyof typeof aliases) => (index[field] === undefined ? '' : (cells[index[field]!] ?? '').trim());
  const owners = await ownersByEmail(db);

  const ids = table.rows.map((row) => cell(row.cells, 'id')).filter(isRecordId);
  const existingById = new Set<string>();
  for (let start = 0; start < ids.length; start += BATCH) {
    (await db.select({ id: contacts.id }).from(contacts).where(inArray(contacts.id, ids.slice(start, start + BATCH)))).forEach((row) => existingById.add(row.id));
  }
  const companyKeys = [...new Set(table.rows.map((row) => sortKeyOf(cell(row.cells, 'company'))).filter(Boolean))];
  const companiesByKey = new Map<string, string[]>();
  for (let start = 0; start < companyKeys.length; start += BATCH) {
    const found = await db.select({ id: companies.id, sortKey: companies.sortKey }).from(companies).where(inArray(companies.sortKey, companyKeys.slice(start, start + BATCH)));
    found.forEach((row) => companiesByKey.set(row.sortKey, [...(companiesByKey.get(row.sortKey) ?? []), row.id]));
  }
  const addresses = [...new Set(table.rows.flatMap((row) => splitList(cell(row.cells, 'emails')).map((address) => address.toLowerCase())))];
  const contactsByAddress = new Map<string, Set<string>>();
  for (let start = 0; start < addresses.length; start += BATCH) {
    const found = await db.select({ address: contactEmails.address, contactId: contactEmails.contactId }).from(contactEmails).where(inArray(contactEmails.address, addresses.slice(start, start + BATCH)));
    found.forEach((row) => contactsByAddress.set(row.address, (contactsByAddress.get(row.address) ?? new Set()).add(row.contactId)));
  }

  const plans: ImportRowPlan<ContactFields>[] = table.rows.map(({ line, cells }) => {
    const label = [cell(cells, 'firstName'), cell(cells, 'lastName')].filter(Boolean).join(' ');
    const ownerEmail = cell(cells, 'owner').toLowerCase();
    const ownerId = ownerEmail ? owners.get(ownerEmail) : undefined;
    if (ownerEmail && !ownerId) return { line, label, action: 'skip', reason: { key: 'skip.unknownOwner', values: { value: ownerEmail } } };
    const companyName = cell(cells, 'company');
    const companyMatches = companyName ? (companiesByKey.get(sortKeyOf(companyName)) ?? []) : [];
    if (companyName && companyMatches.length !== 1) {
      return { line, label, action: 'skip', reason: { key: companyMatches.length ? 'skip.ambiguousCompany' : 'skip.unknownCompany', values: { value: companyName } } };
    }
    const emails = splitList(cell(cells, 'emails'));
    const phones = splitList(cell(cells, 'phones').replace(/,/g, ';')).map(parsePhone);
    const parsed = contactFieldsSchema.safeParse({
      firstName: cell(cells, 'firstName'),
      lastName: cell(cells, 'lastName'),
      companyId: companyMatches[0] ?? '',
      jobTitle: cell(cells, 'jobTitle'),
      emails,
      primaryEmail: '0',
      phones: phones.map((phone) => phone.number),
      phoneLabels: phones.map((phone) => phone.label),
      ownerId: ownerId ?? '',
      notes: cell(cells, 'notes'),
    });
    if (!parsed.success) {
      const reason = skipReasonFromIssues(parsed.error.issues);
      if (reason.key === 'skip.invalidEmail') reason.values = { value: emails.find((address) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) ?? emails.join(', ') };
      return { line, label, action: 'skip', reason };
    }
    const id = cell(cells, 'id');
    if (existingById.has(id)) return { line, label, action: 'update', reason: { key: 'update.matchedById' }, targetId: id, fields: parsed.data };
    // The first address (primary first) that exactly one contact has: a shared info@ alone matches nobody.
    const match = parsed.data.emails.map((email) => contactsByAddress.get(email.address)).find((owners) => owners?.size === 1);
    if (match) return { line, label, action: 'update', reason: { key: 'update.matchedByEmail' }, targetId: [...match][0], fields: parsed.data };
    return { line, label, action: 'create', reason: { key: 'create.new' }, fields: parsed.data };
  });
  return { columnsUsed: used, columnsIgnored: ignored, rows: plans, counts: countPlans(plans) };
}

/** Imports the file as previewContactImport() described it. */
export async function importContacts(db: Database, viewer: Viewer, bytes: Uint8Array): Promise<ImportPreview<ContactFields>['counts']> {
  const preview = await previewContactImport(db, viewer, bytes);
  for (const row of preview.rows) {
    if (row.action === 'create') await createContact(db, viewer, row.fields!);
    if (row.action === 'update') {
      const [current] = await db.select({ version: contacts.version }).from(contacts).where(eq(contacts.id, row.targetId!)).limit(1);
      if (current) await updateContact(db, viewer, row.targetId!, current.version, row.fields!);
    }
  }
  return preview.counts;
}
