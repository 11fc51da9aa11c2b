import { CompanyFormPage } from '@/lib/ui/crm/company-pages';

export default function Page() {
  return <CompanyFormPage />;
}
