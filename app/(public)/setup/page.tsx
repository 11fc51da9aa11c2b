import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { countUsers } from '@/lib/users/service';
import { FirstAdminForm } from '@/lib/ui/auth/first-admin-form';

export default async function SetupPage() {
  if ((await countUsers(await getDb())) > 0) redirect('/sign-in');
  return <FirstAdminForm />;
}
