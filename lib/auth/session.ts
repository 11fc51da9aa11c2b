import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db';
import type { User } from '@/db/schema';
import { findUserById } from '@/lib/users/service';
import { auth } from './index';

/**
 * The signed-in user, re-read from the database for every request: a deactivated user or a deleted
 * one loses access at once, whatever their session cookie says. Cached per request, so the layout,
 * the page and its metadata share one look-up.
 */
export const getCurrentUser = cache(async (): Promise<User | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await findUserById(await getDb(), id);
  return user?.isActive ? user : null;
});

/** For pages: the signed-in user, or a redirect to sign-in. */
export async function requireUser(): Promise<User> {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  return user;
}

export async function requireAdmin(): Promise<User> {
  const user = await requireUser();
  // Non-admins are not told that an admin page exists here.
  if (user.role !== 'admin') notFound();
  return user;
}
