import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ContactListPage } from '@/lib/ui/crm/contact-pages';
import type { SearchParams } from '@/lib/ui/crm/list-params';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('crm'))('contacts') };
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <ContactListPage searchParams={await searchParams} />;
}
