// npm run bench:crm   (root needed: a throw-away Postgres cluster; see docs/benchmarks.md)
//
// Loads a big CRM into a real Postgres (100,000 companies, 300,000 contacts, 50,000 sales, 10,000
// projects by default) and prints p50/p95 of the server time of what people do every day, through the
// same functions the pages call: each list's first page, a company page with a 1,000-entry timeline,
// and the global search for a common and a rare name. Target on the 2-core machine: p50 ≤ 50 ms.
//
//   BENCH_CRM_COMPANIES=100000  BENCH_CRM_CONTACTS=300000  BENCH_CRM_SALES=50000  BENCH_CRM_PROJECTS=10000
//   BENCH_CRM_RUNS=30          timed runs of each measurement (after 3 warm-up runs)
import './bench/environment';
import crypto from 'node:crypto';
import postgres from 'postgres';
import { openPostgres } from '@/db/client';
import { getCompany , listCompanies } from '@/lib/crm/companies';
import { listContacts } from '@/lib/crm/contacts';
import { listProjects } from '@/lib/crm/projects';
import { listSales } from '@/lib/crm/sales';
import { globalSearch } from '@/lib/crm/search';
import { listTimeline } from '@/lib/crm/timeline';
import { searchLexemes, tsvectorLiteral } from '@/lib/search';
import { createUser } from '@/lib/users/service';
import { startPostgres } from '../tests/harness/postgres';
import { milliseconds, section, table } from './bench/report';
import { SeededRandom } from './bench/random';

const settings = {
  companies: Number(process.env.BENCH_CRM_COMPANIES ?? 100_000),
  contacts: Number(process.env.BENCH_CRM_CONTACTS ?? 300_000),
  sales: Number(process.env.BENCH_CRM_SALES ?? 50_000),
  projects: Number(process.env.BENCH_CRM_PROJECTS ?? 10_000),
  runs: Number(process.env.BENCH_CRM_RUNS ?? 30),
};
const BATCH = 2_000;

const firstNames = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Sofia', 'Per', 'Eva', 'Anders', 'Lena', 'Nils', 'Ingrid', 'Björn', 'Åsa', 'Jürgen', 'Amélie', 'John', 'Mary', 'Yui'];
const lastNames = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Öberg', 'Åström', 'Müller', 'Dubois', 'Smith', 'García', 'Sato', 'Lindqvist', 'Berg', 'Holm'];
const words = ['Nordic', 'Bygg', 'Data', 'Konsult', 'Logistik', 'Energi', 'Design', 'Trä', 'Stål', 'Media', 'Hälsa', 'Fastighet', 'Transport', 'Teknik', 'Handel', 'Systems', 'Partners', 'Group', 'Solutions', 'Foods'];
const forms = ['AB', 'Oy', 'AS', 'GmbH', 'Ltd', 'Inc', 'B.V.', 'S.A.'];
const cities = ['Stockholm', 'Göteborg', 'Malmö', 'Uppsala', 'Umeå', 'Helsinki', 'Oslo', 'København', 'Berlin', 'London'];
const stages = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
const statuses = ['planned', 'in_progress', 'completed', 'stopped'] as const;

const vector = (...parts: string[]) => tsvectorLiteral(searchLexemes(parts.join(' ')));
const uuid = () => crypto.randomUUID();

async function insertBatches<T extends Record<string, unknown>>(sql: postgres.Sql, tableName: string, total: number, make: (index: number) => T[]): Promise<void> {
  for (let start = 0; start < total; start += BATCH) {
    const rows: T[] = [];
    for (let index = start; index < Math.min(total, start + BATCH); index++) rows.push(...make(index));
    if (rows.length) await sql`insert into ${sql(tableName)} ${sql(rows as Record<string, postgres.ParameterOrJSON<never>>[])}`;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(name: string, run: () => Promise<unknown>): Promise<string[]> {
  for (let warm = 0; warm < 3; warm++) await run();
  const times: number[] = [];
  for (let index = 0; index < settings.runs; index++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  return [name, milliseconds(p50), milliseconds(percentile(times, 95)), p50 <= 50 ? 'yes' : 'NO'];
}

async function main() {
  const cluster = await startPostgres();
  try {
    const url = await cluster.createDatabase('bench_crm');
    const handle = await openPostgres(url, { migrate: true, max: 4 });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const random = new SeededRandom(20261203);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random.next() * list.length)]!;
    const viewer = await createUser(handle.db, { name: 'Bench Admin', email: 'bench@example.test', password: 'bench password 1', role: 'admin' });

    section(`Loading ${settings.companies} companies, ${settings.contacts} contacts, ${settings.sales} sales, ${settings.projects} projects`);
    const loadStarted = performance.now();
    const companyIds: string[] = [];
    const companyNames: string[] = [];
    await insertBatches(sql, 'companies', settings.companies, (index) => {
      const id = uuid();
      const name = `${pick(words)} ${pick(words)} ${index} ${pick(forms)}`;
      const city = pick(cities);
      companyIds.push(id);
      companyNames.push(name);
      return [{ id, name, city, owner_id: viewer.id, sort_key: name.toLowerCase(), search: vector(name, city, `c${index}.example`) }];
    });
    await insertBatches(sql, 'company_domains', settings.companies, (index) => [{ id: uuid(), company_id: companyIds[index]!, domain: `c${index}.example` }]);
    const contactIds: string[] = [];
    const contactRows: { id: string; first: string; last: string; email: string; phone: string; company: number }[] = [];
    for (let index = 0; index < settings.contacts; index++) {
      const first = pick(firstNames);
      // One contact has a name nobody else has: the "rare" search.
      const last = index === Math.floor(settings.contacts / 2) ? 'Zyxwvutsson' : pick(lastNames);
      const company = Math.floor(random.next() * settings.companies);
      contactRows.push({ id: uuid(), first, last, email: `p${index}@c${company}.example`, phone: `+46 70 ${String(1_000_000 + index).slice(1)}`, company });
    }
    await insertBatches(sql, 'contacts', settings.contacts, (index) => {
      const row = contactRows[index]!;
      contactIds.push(row.id);
      return [
        {
          id: row.id,
          first_name: row.first,
          last_name: row.last,
          company_id: companyIds[row.company]!,
          owner_id: viewer.id,
          sort_key: `${row.last} ${row.first}`.toLowerCase(),
          search: vector(row.first, row.last, companyNames[row.company]!, row.email, row.phone, row.phone.replace(/\D/g, '')),
        },
      ];
    });
    await insertBatches(sql, 'contact_emails', settings.contacts, (index) => [{ id: uuid(), contact_id: contactRows[index]!.id, address: contactRows[index]!.email, is_primary: true }]);
    await insertBatches(sql, 'contact_phones', settings.contacts, (index) => [{ id: uuid(), contact_id: contactRows[index]!.id, number: contactRows[index]!.phone, label: 'mobile' }]);
    await insertBatches(sql, 'sales', settings.sales, (index) => {
      const title = `${pick(words)} deal ${index}`;
      const company = Math.floor(random.next() * settings.companies);
      return [
        {
          id: uuid(),
          title,
          company_id: companyIds[company]!,
          amount: `${Math.floor(random.next() * 10_000_000)}.${String(Math.floor(random.next() * 100)).padStart(2, '0')}`,
          currency: pick(['SEK', 'EUR', 'USD']),
          stage: pick(stages),
          probability: Math.floor(random.next() * 101),
          owner_id: viewer.id,
          sort_key: title.toLowerCase(),
          search: vector(title, companyNames[company]!),
        },
      ];
    });
    await insertBatches(sql, 'projects', settings.projects, (index) => {
      const name = `${pick(words)} project ${index}`;
      return [{ id: uuid(), name, status: pick(statuses), owner_id: viewer.id, sort_key: name.toLowerCase(), search: vector(name) }];
    });
    // The company page under test: many contacts and sales, and a 1,000-entry timeline.
    const busyCompany = companyIds[0]!;
    await insertBatches(sql, 'timeline_events', 1_000, (index) => [
      { id: uuid(), kind: index % 3 === 0 ? 'note_added' : 'updated', company_id: busyCompany, actor_id: viewer.id, data: sql.json({ fields: ['phone'] }), occurred_at: new Date(Date.UTC(2026, 0, 1) + index * 3_600_000) },
    ]);
    await sql`analyze`;
    console.log(`loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`);

    section(`Server time, ${settings.runs} runs each after 3 warm-up runs`);
    const rows = [
      await measure('companies: first page', () => listCompanies(handle.db, viewer)),
      await measure('companies: first page, recently changed', () => listCompanies(handle.db, viewer, { sort: 'updated' })),
      await measure('contacts: first page', () => listContacts(handle.db, viewer)),
      await measure('contacts: search "anna ander"', () => listContacts(handle.db, viewer, { search: 'anna ander' })),
      await measure('projects: first page', () => listProjects(handle.db, viewer)),
      await measure('sales: first page', () => listSales(handle.db, viewer)),
      await measure('sales: first page, stage "proposal"', () => listSales(handle.db, viewer, { stage: 'proposal' })),
      await measure('company page + 1,000-entry timeline (first 50)', () => Promise.all([getCompany(handle.db, viewer, busyCompany), listTimeline(handle.db, viewer, { kind: 'company', id: busyCompany })])),
      await measure('global search, common name "johansson"', () => globalSearch(handle.db, viewer, 'johansson')),
      await measure('global search, common prefix "an"', () => globalSearch(handle.db, viewer, 'an')),
      await measure('global search, rare name "zyxwvutsson"', () => globalSearch(handle.db, viewer, 'zyxwvutsson')),
    ];
    console.log(table(['measurement', 'p50', 'p95', 'p50 ≤ 50 ms'], rows));
    await sql.end();
    await handle.close();
    return rows.every((row) => row[3] === 'yes') ? 0 : 1;
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
