import { sql } from 'drizzle-orm';
import { executeRows } from '@/db/execute';
import { assertActiveViewer, recordQueryLiteral, type Queryable, type Viewer } from '@/lib/crm/shared';
import type { RecordKind } from '@/lib/crm/timeline';

export interface SearchHit {
  kind: RecordKind;
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
}

/**
 * The top bar's search: companies, contacts (by name, any address, phone), projects and sales,
 * grouped, the first `perKind` of each by name. The query is tokenized by searchQueryLiteral() (recordQueryLiteral adds a phone number's digits), as
 * the stored vectors were, so accents and Swedish letters behave as in the mail search. Each group
 * is one GIN index scan and a top-N sort of its matches by name: the order is by `sort_key || ''`
 * on purpose, so the planner cannot walk the name index and test every row against the query (which
 * took over a second for a rare name among 300,000 contacts; see docs/benchmarks.md).
 */
export async function globalSearch(db: Queryable, viewer: Viewer, text: string, perKind = 5): Promise<SearchResults> {
  await assertActiveViewer(db, viewer);
  const query = recordQueryLiteral(text);
  const empty: SearchResults = { query: text, companies: [], contacts: [], projects: [], sales: [] };
  if (query === null) return empty;
  const rows = await executeRows<{ kind: RecordKind; id: string; title: string; detail: string | null }>(
    db,
    sql`
    (select 'company' as kind, c.id, c.name as title, nullif(c.city, '') as detail from companies c
      where c.search @@ ${query}::tsquery order by c.sort_key || '', c.id limit ${perKind})
    union all
    (select 'contact', p.id, btrim(p.first_name || ' ' || p.last_name),
        coalesce(nullif(btrim(coalesce(co.name, '') || case when p.job_title <> '' and co.name is not null then ', ' else '' end || p.job_title), ''),
          (select e.address from contact_emails e where e.contact_id = p.id order by e.is_primary desc, e.position limit 1))
      from (select * from contacts where search @@ ${query}::tsquery order by sort_key || '', id limit ${perKind}) p
      left join companies co on co.id = p.company_id)
    union all
    (select 'project', pr.id, pr.name, pr.status::text from projects pr
      where pr.search @@ ${query}::tsquery order by pr.sort_key || '', pr.id limit ${perKind})
    union all
    (select 'sale', s.id, s.title, s.stage::text || ' · ' || s.amount::text || ' ' || s.currency from sales s
      where s.search @@ ${query}::tsquery order by s.sort_key || '', s.id limit ${perKind})`,
  );
  const group = (kind: RecordKind) => rows.filter((row) => row.kind === kind).map((row) => ({ kind, id: row.id, title: row.title, detail: row.detail }));
  return { query: text, companies: group('company'), contacts: group('contact'), projects: group('project'), sales: group('sale') };
}
