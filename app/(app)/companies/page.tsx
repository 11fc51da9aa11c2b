import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { CompanyListPage } from '@/lib/ui/crm/company-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('crm'))('companies') };
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <CompanyListPage searchParams={await searchParams} />;
}
