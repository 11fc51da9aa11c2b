import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { globalSearch } from '@/lib/crm/search';
import { EmptyState, PageHeader } from '@/lib/ui/empty-state';
import { Panel, RelatedList } from './detail';
import { detailText } from './search-detail';

const groups = ['companies', 'contacts', 'projects', 'sales', 'documents'] as const;

/** Everything the top bar's search finds, grouped by kind (20 of each). */
export async function SearchResultsPage({ query }: { query: string }) {
  const user = await requireUser();
  const t = await getTranslations('crm');
  const results = await globalSearch(await getDb(), user, query, 20);
  const total = groups.reduce((sum, group) => sum + results[group].length, 0);
  return (
    <>
      <PageHeader title={t('searchResultsTitle', { query })} />
      {total === 0 ? (
        <EmptyState title={t('noResultsTitle')} body={t('noResultsBody')} />
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          {groups.map((group) =>
            results[group].length ? (
              <Panel key={group} id={`results-${group}`} title={t(group)}>
                <RelatedList
                  emptyLabel={t('none')}
                  items={results[group].map((hit) => ({ id: hit.id, href: `/${group}/${hit.id}`, title: hit.title, detail: hit.detail ? detailText(hit.kind, hit.detail, (key) => t(key)) : undefined }))}
                />
              </Panel>
            ) : null,
          )}
        </div>
      )}
    </>
  );
}
