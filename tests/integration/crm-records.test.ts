import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import type { User } from '@/db/schema';
import { companyFieldsSchema, createCompany, deleteCompany, getCompany, listCompanies, updateCompany } from '@/lib/crm/companies';
import { contactFieldsSchema, createContact, getContact, listContacts, updateContact } from '@/lib/crm/contacts';
import { createProject, getProject, listProjects, projectFieldsSchema, updateProject } from '@/lib/crm/projects';
import { createSale, getSale, listSales, saleFieldsSchema, updateSale } from '@/lib/crm/sales';
import { globalSearch } from '@/lib/crm/search';
import { addNote, listTimeline } from '@/lib/crm/timeline';
import { createUser, setUserActive } from '@/lib/users/service';
import { describeOnEachDatabase } from '../harness/databases';

const company = (input: Record<string, unknown>) => companyFieldsSchema.parse(input);
const contact = (input: Record<string, unknown>) => contactFieldsSchema.parse(input);
const project = (input: Record<string, unknown>) => projectFieldsSchema.parse(input);
const sale = (input: Record<string, unknown>) => saleFieldsSchema.parse(input);

describeOnEachDatabase('CRM records', (open) => {
  let handle: DatabaseHandle;
  let ann: User;
  let bo: User;
  beforeAll(async () => {
    handle = await open();
    ann = await createUser(handle.db, { name: 'Ann Admin', email: 'ann@example.test', password: 'ann password 12', role: 'admin' });
    bo = await createUser(handle.db, { name: 'Bo Seller', email: 'bo@example.test', password: 'bo password 123', role: 'member' });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('creates, edits with a version check and lists companies; the later of two edits is refused', async () => {
    const { id } = await createCompany(handle.db, ann, company({ name: 'Åkerlund & Rausing', domains: 'https://www.Akerlund.SE/, ar.com', city: 'Lund', ownerId: ann.id }));
    const detail = await getCompany(handle.db, ann, id);
    expect(detail).toMatchObject({ name: 'Åkerlund & Rausing', domains: ['akerlund.se', 'ar.com'], version: 1, ownerName: 'Ann Admin' });

    // Ann and Bo both opened version 1; Bo saves first, Ann's save is refused.
    expect(await updateCompany(handle.db, bo, id, 1, company({ name: 'Åkerlund & Rausing AB', domains: 'akerlund.se', ownerId: bo.id }))).toEqual({ version: 2 });
    await expect(updateCompany(handle.db, ann, id, 1, company({ name: 'Overwritten', domains: '' }))).rejects.toMatchObject({ messageKey: 'crm.versionConflict' });
    expect((await getCompany(handle.db, ann, id))?.name).toBe('Åkerlund & Rausing AB');

    const timeline = await listTimeline(handle.db, ann, { kind: 'company', id });
    expect(timeline.items.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['created', 'updated', 'owner_changed']));
    expect(timeline.items.find((entry) => entry.kind === 'owner_changed')?.data).toEqual({ from: 'Ann Admin', to: 'Bo Seller' });

    // Search ignores accents and case, as the mail search does.
    const found = await listCompanies(handle.db, ann, { search: 'akerl' });
    expect(found.items.map((item) => item.id)).toEqual([id]);
    expect((await listCompanies(handle.db, ann, { search: 'AKERLUND.se' })).items).toHaveLength(1);
  });

  it('pages through a list with keyset cursors in both orders', async () => {
    for (let index = 0; index < 7; index++) await createCompany(handle.db, ann, company({ name: `Paging ${String(index).padStart(2, '0')}`, category: 'paging' }));
    for (const sort of ['name', 'updated'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listCompanies>> = await listCompanies(handle.db, ann, { category: 'paging', sort, cursor, limit: 3 });
        seen.push(...page.items.map((item) => item.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      if (sort === 'name') expect(seen).toEqual([...seen].sort());
    }
  });

  it('stores addresses normalised and flags the same address on two contacts', async () => {
    const { id: companyId } = await createCompany(handle.db, ann, company({ name: 'Shared Mailbox AB', domains: 'shared.test' }));
    const first = await createContact(handle.db, ann, contact({ firstName: 'Eva', lastName: 'Öberg', companyId, emails: [' Info@Shared.TEST ', 'eva@shared.test'], primaryEmail: '1', phones: ['+46 70-123 45 67'], phoneLabels: ['mobile'] }));
    const second = await createContact(handle.db, ann, contact({ firstName: 'Olle', lastName: 'Berg', emails: ['INFO@shared.test'] }));
    const eva = await getContact(handle.db, ann, first.id);
    expect(eva?.emails).toEqual([
      { address: 'eva@shared.test', isPrimary: true, sharedWith: [] },
      { address: 'info@shared.test', isPrimary: false, sharedWith: [{ id: second.id, name: 'Olle Berg' }] },
    ]);
    const olle = await getContact(handle.db, ann, second.id);
    expect(olle?.emails[0]?.sharedWith).toEqual([{ id: first.id, name: 'Eva Öberg' }]);
    // Olle has no company yet: the domain of his address suggests one.
    expect(olle?.suggestedCompanies).toEqual([{ id: companyId, name: 'Shared Mailbox AB' }]);
    expect((await getCompany(handle.db, ann, companyId))?.contacts).toEqual([expect.objectContaining({ id: first.id, primaryEmail: 'eva@shared.test' })]);
    const listed = await listContacts(handle.db, ann, { search: 'oberg' });
    expect(listed.items).toEqual([expect.objectContaining({ id: first.id, companyName: 'Shared Mailbox AB', primaryEmail: 'eva@shared.test', emailShared: true })]);
    // By phone, as typed or as digits.
    expect((await listContacts(handle.db, ann, { search: '070 123' })).items.map((item) => item.id)).toContain(first.id);
    expect((await listContacts(handle.db, ann, { search: '46701234567' })).items.map((item) => item.id)).toContain(first.id);
    await expect(updateContact(handle.db, ann, first.id, 2, contact({ firstName: 'Eva', lastName: 'Ö' }))).rejects.toMatchObject({ messageKey: 'crm.versionConflict' });
  });

  it('records sale stage changes with who and when, and keeps amounts exact', async () => {
    const { id } = await createSale(handle.db, ann, sale({ title: 'Licenses 2027', amount: '1 234 567,89', currency: 'sek', stage: 'lead', probability: '10' }));
    expect((await getSale(handle.db, ann, id))?.amount).toBe('1234567.89');
    await updateSale(handle.db, bo, id, 1, sale({ title: 'Licenses 2027', amount: '9999999999999999.99', currency: 'SEK', stage: 'proposal', probability: '50' }));
    const detail = await getSale(handle.db, ann, id);
    expect(detail?.amount).toBe('9999999999999999.99');
    expect(detail?.stageHistory.map((change) => [change.fromStage, change.toStage, change.changedByName])).toEqual([
      ['lead', 'proposal', 'Bo Seller'],
      [null, 'lead', 'Ann Admin'],
    ]);
    const stageEvents = await listTimeline(handle.db, ann, { kind: 'sale', id }, { kinds: ['stage_changed'] });
    expect(stageEvents.items).toEqual([expect.objectContaining({ kind: 'stage_changed', actorName: 'Bo Seller', data: { from: 'lead', to: 'proposal' } })]);
    expect((await listSales(handle.db, ann, { stage: 'proposal' })).items.map((item) => item.id)).toContain(id);
    expect(saleFieldsSchema.safeParse({ title: 'x', amount: '1.2.3', currency: 'SEK', probability: '1' }).success).toBe(false);
    expect(saleFieldsSchema.safeParse({ title: 'x', amount: '1', currency: 'XYZ', probability: '1' }).success).toBe(false);
  });

  it('keeps projects with their members, and deletes a company with or without its records', async () => {
    const { id: companyId } = await createCompany(handle.db, ann, company({ name: 'Doomed Oy', domains: 'doomed.fi' }));
    const { id: otherId } = await createCompany(handle.db, ann, company({ name: 'Partner GmbH' }));
    const { id: contactId } = await createContact(handle.db, ann, contact({ firstName: 'Matti', lastName: 'Virtanen', companyId }));
    const solo = await createProject(handle.db, ann, project({ name: 'Solo rollout', companyIds: [companyId], contactIds: [contactId] }));
    const sharedProject = await createProject(handle.db, ann, project({ name: 'Joint venture', companyIds: [companyId, otherId], status: 'in_progress' }));
    const { id: saleId } = await createSale(handle.db, ann, sale({ title: 'Doomed deal', companyId, contactId, amount: '10', currency: 'EUR', probability: '5' }));
    expect((await getProject(handle.db, ann, solo.id))?.companies.map((c) => c.name)).toEqual(['Doomed Oy']);
    await updateProject(handle.db, ann, solo.id, 1, project({ name: 'Solo rollout', status: 'completed', companyIds: [companyId], contactIds: [contactId] }));
    expect((await listProjects(handle.db, ann, { status: 'completed' })).items.map((item) => item.id)).toEqual([solo.id]);
    expect(projectFieldsSchema.safeParse({ name: 'x', startDate: '2030-02-01', endDate: '2030-01-01' }).success).toBe(false);

    await deleteCompany(handle.db, ann, companyId, { related: 'delete' });
    expect(await getCompany(handle.db, ann, companyId)).toBeNull();
    expect(await getContact(handle.db, ann, contactId)).toBeNull();
    expect(await getSale(handle.db, ann, saleId)).toBeNull();
    expect(await getProject(handle.db, ann, solo.id)).toBeNull();
    // The joint project goes on with its other company.
    expect((await getProject(handle.db, ann, sharedProject.id))?.companies.map((c) => c.name)).toEqual(['Partner GmbH']);

    const { id: keptId } = await createCompany(handle.db, ann, company({ name: 'Kept Contacts AB' }));
    const { id: keptContact } = await createContact(handle.db, ann, contact({ lastName: 'Kvar', companyId: keptId }));
    await deleteCompany(handle.db, ann, keptId, { related: 'unlink' });
    expect((await getContact(handle.db, ann, keptContact))?.companyId).toBeNull();
  });

  it('finds every kind of record in one grouped search, accents or not', async () => {
    await createCompany(handle.db, ann, company({ name: 'Söderström Bygg' }));
    await createContact(handle.db, ann, contact({ firstName: 'Sören', lastName: 'Söderström', emails: ['soren@bygg.se'] }));
    await createSale(handle.db, ann, sale({ title: 'Söderström extension', amount: '5', currency: 'SEK', probability: '10' }));
    await createProject(handle.db, ann, project({ name: 'Soderstrom office' }));
    const results = await globalSearch(handle.db, ann, 'söderstr');
    expect(results.companies.map((hit) => hit.title)).toEqual(['Söderström Bygg']);
    expect(results.contacts.map((hit) => hit.title)).toEqual(['Sören Söderström']);
    expect(results.projects.map((hit) => hit.title)).toEqual(['Soderstrom office']);
    expect(results.sales.map((hit) => hit.title)).toEqual(['Söderström extension']);
    expect((await globalSearch(handle.db, ann, 'soren@bygg.se')).contacts).toHaveLength(1);
    expect(await globalSearch(handle.db, ann, '   ')).toMatchObject({ companies: [], contacts: [] });
  });

  it("finds contacts and sales by their company's new name after a rename", async () => {
    const { id: companyId } = await createCompany(handle.db, ann, company({ name: 'Gammalt Namn AB' }));
    const { id: contactId } = await createContact(handle.db, ann, contact({ firstName: 'Rut', lastName: 'Renamed', companyId, phones: ['08-555 12 34'] }));
    const { id: saleId } = await createSale(handle.db, ann, sale({ title: 'Rename deal', companyId, contactId, amount: '1', currency: 'SEK', probability: '10' }));
    await updateCompany(handle.db, ann, companyId, 1, company({ name: 'Nytt Namn AB' }));
    await updateContact(handle.db, ann, contactId, 1, contact({ firstName: 'Ruth', lastName: 'Renamed', companyId, phones: ['08-555 12 34'] }));
    expect((await listContacts(handle.db, ann, { search: 'nytt namn' })).items.map((item) => item.id)).toEqual([contactId]);
    expect((await listContacts(handle.db, ann, { search: 'gammalt' })).items).toEqual([]);
    expect((await listContacts(handle.db, ann, { search: '085551234' })).items.map((item) => item.id)).toEqual([contactId]);
    expect((await listSales(handle.db, ann, { search: 'nytt ruth' })).items.map((item) => item.id)).toEqual([saleId]);
  });

  it('gives a deactivated user nothing, and a guessed id nothing but "not found"', async () => {
    const { id } = await createCompany(handle.db, ann, company({ name: 'Secret Sauce Ltd' }));
    await addNote(handle.db, bo, { kind: 'company', id }, 'Called them about the renewal.');
    expect((await listTimeline(handle.db, ann, { kind: 'company', id }, { kinds: ['note_added'] })).items[0]?.data).toMatchObject({ body: 'Called them about the renewal.' });
    expect(await getCompany(handle.db, ann, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await getCompany(handle.db, ann, 'not-a-uuid')).toBeNull();
    await expect(updateCompany(handle.db, ann, '00000000-0000-4000-8000-000000000000', 1, company({ name: 'x' }))).rejects.toMatchObject({ messageKey: 'crm.notFound' });

    await setUserActive(handle.db, ann, bo.id, false);
    await expect(getCompany(handle.db, bo, id)).rejects.toMatchObject({ messageKey: 'notSignedIn' });
    await expect(listCompanies(handle.db, bo)).rejects.toMatchObject({ messageKey: 'notSignedIn' });
    await expect(globalSearch(handle.db, bo, 'secret')).rejects.toMatchObject({ messageKey: 'notSignedIn' });
    await expect(updateCompany(handle.db, bo, id, 1, company({ name: 'Hijacked' }))).rejects.toMatchObject({ messageKey: 'notSignedIn' });
    await expect(deleteCompany(handle.db, bo, id, { related: 'delete' })).rejects.toMatchObject({ messageKey: 'notSignedIn' });
    await expect(addNote(handle.db, bo, { kind: 'company', id }, 'x')).rejects.toMatchObject({ messageKey: 'notSignedIn' });
    expect((await getCompany(handle.db, ann, id))?.name).toBe('Secret Sauce Ltd');
    await setUserActive(handle.db, ann, bo.id, true);
  });
});
