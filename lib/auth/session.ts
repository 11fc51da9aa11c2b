import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db';
import type { User } from '@/db/schema';
import { auth } from './index';
import { findSessionUser } from './sessions';

/**
 * The signed-in user, re-read from the database for every request: the cookie's session id must name
 * a user_sessions row that still exists (sign-out, a password change, deactivation and "sign out
 * everywhere" delete them) and an active user, whatever the cookie itself says. Every page, server
 * action (lib/actions/action.ts) and route handler asks this. Cached per request, so the layout, the
 * page and its metadata share one look-up.
 */
export const getCurrentUser = cache(async (): Promise<User | null> => {
  const session = await auth();
  if (!session?.sessionId) return null;
  const user = await findSessionUser(await getDb(), session.sessionId);
  // The row decides whose session it is; a cookie naming someone else is not trusted either way.
  return user && user.id === session.user?.id ? user : null;
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

/** The server-side session id of this request (for ending every session but this one). */
export async function currentSessionId(): Promise<string | null> {
  return (await auth())?.sessionId ?? null;
}
