import { CsvImportPage } from '@/lib/ui/crm/csv-import';

export default function Page() {
  return <CsvImportPage kind="companies" />;
}
