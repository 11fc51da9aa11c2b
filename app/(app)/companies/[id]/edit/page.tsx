import { CompanyFormPage } from '@/lib/ui/crm/company-pages';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  return <CompanyFormPage id={(await params).id} />;
}
