import { ContactFormPage } from '@/lib/ui/crm/contact-pages';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  return <ContactFormPage id={(await params).id} />;
}
