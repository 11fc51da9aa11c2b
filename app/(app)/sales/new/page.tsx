import { SaleFormPage } from '@/lib/ui/crm/sale-pages';
import { param, type SearchParams } from '@/lib/ui/crm/list-params';

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <SaleFormPage companyId={param(await searchParams, 'company') || undefined} />;
}
