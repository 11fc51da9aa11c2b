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
 * takes its first `perKind` matches by name through topMatches().
 */
export async function globalSearch(db: Queryable, viewer: Viewer, text: string, perKind = 5): Promise<SearchResults> {
  await assertActiveViewer(db, viewer);
  const query = recordQueryLiteral(text);
  const empty: SearchResults = { query: text, companies: [], contacts: [], projects: [], sales: [] };
  if (query === null) return empty;
  const top = (table: 'companies' | 'contacts' | 'projects' | 'sales') => topMatches(table, query, perKind);
  const rows = await executeRows<{ kind: RecordKind; id: string; title: string; detail: string | null }>(
    db,
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
  const group = (kind: RecordKind) => rows.filter((row) => row.kind === kind).map((row) => ({ kind, id: row.id, title: row.title, detail: row.detail }));
  return { query: text, companies: group('company'), contacts: group('contact'), projects: group('project'), sales: group('sale') };
}

/** How many names a search walks in name order before it asks the word index instead. */
const NAME_WALK_ROWS = 5_000;

/**
 * The first `limit` records of a table matching the tsquery, by name (`sort_key`, `id`), fast for a
 * common word and for a rare one alike (see docs/benchmarks.md). A common word ("johansson", "an")
 * matches within the first few thousand names, so walking the name index and testing each row finds
 * the first `limit` at once, where collecting and sorting its tens of thousands of matches would not.
 * When the walk finds fewer, the word index gives every match and only those are sorted (the
 * `|| ''` keeps the planner from walking the whole name index for it). Both answers are exact: the
 * walk covers names in order, so matches it finds are the first ones.
 */
function topMatches(table: 'companies' | 'contacts' | 'projects' | 'sales', query: string, limit: number) {
  const name = sql.raw(table);
  return sql`(
    with walked as (
      select t.id, t.sort_key from (select id, sort_key, search from ${name} order by sort_key, id limit ${NAME_WALK_ROWS}) t
      where t.search @@ ${query}::tsquery order by t.sort_key, t.id limit ${limit}
    ), enough as (select count(*) >= ${limit} as yes from walked)
    select id, sort_key from walked where (select yes from enough)
    union all
    (select id, sort_key from ${name} where search @@ ${query}::tsquery and not (select yes from enough) order by sort_key || '', id limit ${limit})
  )`;
}
