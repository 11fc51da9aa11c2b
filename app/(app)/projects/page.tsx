import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ProjectListPage } from '@/lib/ui/crm/project-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('crm'))('projects') };
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <ProjectListPage searchParams={await searchParams} />;
}
