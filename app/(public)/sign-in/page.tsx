import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { countUsers } from '@/lib/users/service';
import { SignInForm } from '@/lib/ui/auth/sign-in-form';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if ((await countUsers(await getDb())) === 0) redirect('/setup');
  if (await getCurrentUser()) redirect('/inbox');
  const { callbackUrl } = await searchParams;
  return <SignInForm callbackUrl={callbackUrl} />;
}
