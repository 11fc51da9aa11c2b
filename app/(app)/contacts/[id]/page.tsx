import { ContactDetailPage } from '@/lib/ui/crm/contact-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  return <ContactDetailPage id={(await params).id} searchParams={await searchParams} />;
}
