import { ProjectFormPage } from '@/lib/ui/crm/project-pages';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  return <ProjectFormPage id={(await params).id} />;
}
