import { ContactFormPage } from '@/lib/ui/crm/contact-pages';
import { param, type SearchParams } from '@/lib/ui/crm/list-params';

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  return <ContactFormPage companyId={param(await searchParams, 'company') || undefined} />;
}
