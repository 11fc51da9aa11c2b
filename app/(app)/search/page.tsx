import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { SearchResultsPage } from '@/lib/ui/crm/search-page';
import { param, type SearchParams } from '@/lib/ui/crm/list-params';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('crm'))('globalSearch') };
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <SearchResultsPage query={param(await searchParams, 'q')} />;
}
