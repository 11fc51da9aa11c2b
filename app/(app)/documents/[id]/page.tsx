import { DocumentPage } from '@/lib/ui/documents/document-page';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  return <DocumentPage id={(await params).id} />;
}
