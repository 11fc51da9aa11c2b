import { ProjectDetailPage } from '@/lib/ui/crm/project-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  return <ProjectDetailPage id={(await params).id} searchParams={await searchParams} />;
}
