import { CompanyDetailPage } from '@/lib/ui/crm/company-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  return <CompanyDetailPage id={(await params).id} searchParams={await searchParams} />;
}
