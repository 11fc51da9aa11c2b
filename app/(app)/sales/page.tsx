import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { SaleListPage } from '@/lib/ui/crm/sale-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('crm'))('sales') };
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <SaleListPage searchParams={await searchParams} />;
}
