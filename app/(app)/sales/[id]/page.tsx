import { SaleDetailPage } from '@/lib/ui/crm/sale-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  return <SaleDetailPage id={(await params).id} searchParams={await searchParams} />;
}
