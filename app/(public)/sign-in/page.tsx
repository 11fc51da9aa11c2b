import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { countUsers } from '@/lib/users/service';
import { singleValue, type QueryValue } from '@/lib/http/params';
import { SignInForm } from '@/lib/ui/auth/sign-in-form';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: QueryValue }> }) {
  if ((await countUsers(await getDb())) === 0) redirect('/setup');
  if (await getCurrentUser()) redirect('/inbox');
  const { callbackUrl } = await searchParams;
  return <SignInForm callbackUrl={singleValue(callbackUrl) ?? undefined} />;
}
