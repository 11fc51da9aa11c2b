import { SaleFormPage } from '@/lib/ui/crm/sale-pages';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  return <SaleFormPage id={(await params).id} />;
}
