import { sql } from 'drizzle-orm';
import { executeRows } from '@/db/execute';
import { assertActiveViewer, recordQueryLiteral, visibleDocumentAlias, type Queryable, type Viewer } from '@/lib/crm/shared';
import type { RecordKind } from '@/lib/crm/timeline';

export interface SearchHit {
  kind: RecordKind | 'document';
  id: string;
  title: string;
  /** A second line: the company of a contact, the stage of a sale, … */
  detail: string | null;
}

export interface SearchResults {
  query: string;
  companies: SearchHit[];
  contacts: SearchHit[];
  projects: SearchHit[];
  sales: SearchHit[];
  /** Archived mail and files the viewer may see, newest first. */
  documents: SearchHit[];
}

/**
 * The top bar's search: companies, contacts (by name, any address, phone), projects and sales,
 * and archived documents (subject, addresses, body text; only those the viewer may see),
 * grouped, up to `perKind` of each. The query is tokenized by searchQueryLiteral() (recordQueryLiteral adds a phone number's digits), as
 * the stored vectors were, so accents and Swedish letters behave as in the mail search. Each group
 * shows up to `perKind` matches by name through topMatches().
 */
export async function globalSearch(db: Queryable, viewer: Viewer, text: string, perKind = 5): Promise<SearchResults> {
  await assertActiveViewer(db, viewer);
  const query = recordQueryLiteral(text);
  const empty: SearchResults = { query: text, companies: [], contacts: [], projects: [], sales: [], documents: [] };
  if (query === null) return empty;
  const top = (table: 'companies' | 'contacts' | 'projects' | 'sales') => topMatches(table, query, perKind);
  // The first matches come from the word index. Without this Postgres may guess that scanning a
  // table in order finds 200 matches soon, which for a rare word means reading every row
  // (docs/benchmarks.md); `set local` ends with the transaction.
  const { rows, documents } = await db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const documents = await executeRows<{ id: string; title: string; detail: string | null }>(
      tx,
      sql`select d.id, d.subject as title, d.from_addresses->0->>'address' as detail
        from (select id from documents where search @@ ${query}::tsquery and ${visibleDocumentAlias('documents', viewer.id)} limit ${CANDIDATES}) m
        join documents d on d.id = m.id order by d.document_date desc, d.id limit ${perKind}`,
    );
    const rows = await executeRows<{ kind: RecordKind; id: string; title: string; detail: string | null }>(
    tx,
    sql`
    select * from (
      select 'company' as kind, c.id, c.name as title, nullif(c.city, '') as detail, m.sort_key from ${top('companies')} m join companies c on c.id = m.id
      union all
      select 'contact', p.id, btrim(p.first_name || ' ' || p.last_name),
          coalesce(nullif(btrim(coalesce(co.name, '') || case when p.job_title <> '' and co.name is not null then ', ' else '' end || p.job_title), ''),
            (select e.address from contact_emails e where e.contact_id = p.id order by e.is_primary desc, e.position limit 1)),
          m.sort_key
        from ${top('contacts')} m join contacts p on p.id = m.id left join companies co on co.id = p.company_id
      union all
      select 'project', pr.id, pr.name, pr.status::text, m.sort_key from ${top('projects')} m join projects pr on pr.id = m.id
      union all
      select 'sale', s.id, s.title, s.stage::text || ' · ' || s.amount::text || ' ' || s.currency, m.sort_key from ${top('sales')} m join sales s on s.id = m.id
    ) hits order by kind, sort_key, id`,
  );
    return { rows, documents };
  });
  const group = (kind: RecordKind) => rows.filter((row) => row.kind === kind).map((row) => ({ kind, id: row.id, title: row.title, detail: row.detail }));
  return {
    query: text,
    companies: group('company'),
    contacts: group('contact'),
    projects: group('project'),
    sales: group('sale'),
    documents: documents.map((row) => ({ kind: 'document' as const, ...row })),
  };
}

/** How many matches of each kind the search looks at before it sorts them by name. */
const CANDIDATES = 200;

/**
 * Up to `limit` records of a table matching the tsquery, shown by name. The word index finds the
 * matches and the first CANDIDATES of them are sorted, so a common word ("johansson": 15,000
 * contacts) costs no more than a rare one: search as you type shows some matches at once and the
 * lists (or a longer query) narrow them down, as CRMs' quick search does. Sorting every match by name
 * instead took 70-150 ms for a common word, and letting Postgres walk the name index took over a
 * second for a rare one (docs/benchmarks.md).
 */
function topMatches(table: 'companies' | 'contacts' | 'projects' | 'sales', query: string, limit: number) {
  const name = sql.raw(table);
  return sql`(select id, sort_key from (select id, sort_key from ${name} where search @@ ${query}::tsquery limit ${CANDIDATES}) candidates order by sort_key, id limit ${limit})`;
}
