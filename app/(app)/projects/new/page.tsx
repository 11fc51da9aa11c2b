import { ProjectFormPage } from '@/lib/ui/crm/project-pages';

export default function Page() {
  return <ProjectFormPage />;
}
