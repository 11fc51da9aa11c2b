import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db';
import { openEmbedded, type DatabaseHandle } from '@/db/client';
import type { User } from '@/db/schema';
import { exportCompaniesCsv, exportContactsCsv, importCompanies, importContacts, previewCompanyImport, previewContactImport } from '@/lib/crm/csv';
import { countCrmRecords, seedDemoCrm } from '@/lib/crm/seed';
import { createUser } from '@/lib/users/service';
import { describeOnEachDatabase, freshPostgres } from '../harness/databases';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** The records as a person sees them, without ids and times: what a CSV round trip must keep. */
async function snapshot(db: Database) {
  const rows = async (query: ReturnType<typeof sql>) => {
    const result: unknown = await db.execute(query);
    return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
  };
  const companies = await rows(sql`
    select c.name, c.phone, c.street, c.postal_code, c.city, c.country, c.website, c.category, c.notes, u.email as owner,
      (select string_agg(d.domain, ',' order by d.domain) from company_domains d where d.company_id = c.id) as domains
    from companies c left join users u on u.id = c.owner_id order by c.name`);
  const contacts = await rows(sql`
    select p.first_name, p.last_name, p.job_title, p.notes, co.name as company, u.email as owner,
      (select string_agg(e.address || case when e.is_primary then '*' else '' end, ',' order by e.position) from contact_emails e where e.contact_id = p.id) as emails,
      (select string_agg(ph.number || ' ' || ph.label, ',' order by ph.position) from contact_phones ph where ph.contact_id = p.id) as phones
    from contacts p left join companies co on co.id = p.company_id left join users u on u.id = p.owner_id
    order by p.last_name, p.first_name, emails`);
  return { companies, contacts };
}

describeOnEachDatabase('CRM CSV import and export', (open) => {
  let handle: DatabaseHandle;
  let admin: User;
  beforeAll(async () => {
    handle = await open();
    admin = await createUser(handle.db, { name: 'Ada Admin', email: 'ada@example.test', password: 'ada password 12', role: 'admin' });
    await createUser(handle.db, { name: 'Bo Seller', email: 'bo@example.test', password: 'bo password 123', role: 'member' });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('exports the seed data, and after a wipe imports the same records back', async () => {
    await seedDemoCrm(handle.db, admin);
    const before = await snapshot(handle.db);
    expect(before.companies).toHaveLength(20);
    expect(before.contacts).toHaveLength(60);
    const companiesCsv = await exportCompaniesCsv(handle.db, admin);
    const contactsCsv = await exportContactsCsv(handle.db, admin);
    expect(companiesCsv.startsWith('\ufeffid,name,domains,')).toBe(true);

    for (const table of ['sales', 'projects', 'contacts', 'companies']) await handle.db.execute(sql.raw(`delete from ${table}`));
    expect(await countCrmRecords(handle.db)).toBe(0);

    const companyPreview = await previewCompanyImport(handle.db, admin, bytes(companiesCsv));
    expect(companyPreview.counts).toEqual({ create: 20, update: 0, skip: 0 });
    expect(await countCrmRecords(handle.db)).toBe(0); // a preview writes nothing
    expect(await importCompanies(handle.db, admin, bytes(companiesCsv))).toEqual({ create: 20, update: 0, skip: 0 });
    expect(await importContacts(handle.db, admin, bytes(contactsCsv))).toEqual({ create: 60, update: 0, skip: 0 });
    expect(await snapshot(handle.db)).toEqual(before);

    // Importing the same export again matches every row and creates nothing.
    expect((await previewContactImport(handle.db, admin, bytes(contactsCsv))).counts).toMatchObject({ create: 0, update: 60 });
  });

  it("reads Excel's semicolon CSV and UTF-16 text, and tells why rows are skipped", async () => {
    const semicolon = ['Namn;Domäner;Ort;Ägare', 'Ärlig Handel AB;arlig.example;Västerås;bo@example.test', ';;Nowhere;', 'Trasig AB;not a domain;;', 'Okänd Ägare AB;;;ghost@example.test', 'ärlig handel ab;;;'].join('\r\n');
    const preview = await previewCompanyImport(handle.db, admin, new Uint8Array(iconv.encode(semicolon, 'win1252')));
    expect(preview.columnsUsed).toEqual(['Namn', 'Domäner', 'Ort', 'Ägare']);
    expect(preview.rows.map((row) => [row.line, row.action, row.reason.key])).toEqual([
      [2, 'create', 'create.new'],
      [3, 'skip', 'skip.noName'],
      [4, 'skip', 'skip.invalidDomain'],
      [5, 'skip', 'skip.unknownOwner'],
      [6, 'skip', 'skip.duplicateInFile'],
    ]);
    expect(preview.rows[0]?.fields).toMatchObject({ name: 'Ärlig Handel AB', domains: ['arlig.example'], city: 'Västerås' });

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('First name\tLast name\tE-mail\tCompany\nÅsa\tÖst\tASA@Arlig.example\t\nNo\tAddress\tnot-an-address\t\n', 'utf16le')]);
    const contacts = await previewContactImport(handle.db, admin, new Uint8Array(utf16));
    expect(contacts.rows.map((row) => [row.label, row.action, row.reason.key])).toEqual([
      ['Åsa Öst', 'create', 'create.new'],
      ['No Address', 'skip', 'skip.invalidEmail'],
    ]);
    expect(contacts.rows[0]?.fields?.emails).toEqual([{ address: 'asa@arlig.example', isPrimary: true }]);
  });
});

/** npm run db:seed as an admin runs it: on Postgres (DATABASE_URL) and on the embedded database (DATA_DIR). */
function runSeed(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npx', ['tsx', 'scripts/db-seed.ts', ...args], { env: { ...process.env, NODE_ENV: 'development', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run db:seed', () => {
  it('fills Postgres once, and refuses a second run unless --force', async () => {
    const { handle, url } = await freshPostgres();
    const env = { DATABASE_URL: url, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'crm-seed-')) };
    try {
      const noAdmin = await runSeed(env);
      expect(noAdmin.code).toBe(1);
      expect(noAdmin.stderr).toContain('no administrator');
      await createUser(handle.db, { name: 'Ada Admin', email: 'ada@example.test', password: 'ada password 12', role: 'admin' });
      const first = await runSeed(env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('Seeded 20 companies, 60 contacts, 5 projects and 12 sales');
      const second = await runSeed(env);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('--force');
      expect(await countCrmRecords(handle.db)).toBe(97);
      const forced = await runSeed(env, ['--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(await countCrmRecords(handle.db)).toBe(194);
    } finally {
      await handle.close();
    }
  });

  it('fills the embedded database under DATA_DIR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-seed-embedded-'));
    const setup = await openEmbedded(path.join(dataDir, 'pglite'));
    await createUser(setup.db, { name: 'Ada Admin', email: 'ada@example.test', password: 'ada password 12', role: 'admin' });
    await setup.close();
    const env = { DATABASE_URL: '', DATA_DIR: dataDir };
    const seeded = await runSeed(env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const check = await openEmbedded(path.join(dataDir, 'pglite'));
    try {
      expect(await countCrmRecords(check.db)).toBe(97);
    } finally {
      await check.close();
    }
  });
});
