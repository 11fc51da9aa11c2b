import { NotArchivedPage } from '@/lib/ui/documents/not-archived-page';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <NotArchivedPage searchParams={await searchParams} />;
}
