'use server';

import { CredentialsSignin } from 'next-auth';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authenticatedAction, publicAction } from '@/lib/actions/action';
import { UserFacingError } from '@/lib/actions/errors';
import { env } from '@/lib/env';
import { clientAddressFrom } from '@/lib/http/client-address';
import { rememberLocale } from '@/lib/i18n/cookie';
import { changePassword, createFirstAdmin, findUserByEmail } from '@/lib/users/service';
import type { Database } from '@/db';
import { checkCredentials } from './credentials';
import { signIn, signOut } from './index';
import { changePasswordSchema, newAccountSchema, signInSchema } from './schemas';
import { currentSessionId } from './session';
import { endAllUserSessions } from './sessions';

async function signInOrExplain(db: Database, email: string, password: string, returnPath: string): Promise<never> {
  try {
    await signIn('credentials', { email, password, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      const throttled = /^throttled_(\d+)$/.exec(error.code);
      if (throttled) throw new UserFacingError('throttled', { minutes: Number(throttled[1]) });
      throw new UserFacingError('invalidCredentials');
    }
    throw error;
  }
  // The user's saved language follows them to every browser they sign in on.
  const user = await findUserByEmail(db, email);
  if (user?.locale) await rememberLocale(user.locale);
  redirect(returnPath);
}

export const signInAction = publicAction('auth.signIn', signInSchema, async ({ email, password, callbackUrl }, { db }) =>
  signInOrExplain(db, email, password, callbackUrl),
);

export const createFirstAdminAction = publicAction('auth.createFirstAdmin', newAccountSchema, async (input, { db }) => {
  await createFirstAdmin(db, input);
  return signInOrExplain(db, input.email, input.password, '/inbox');
});

export const signOutAction = async () => {
  await signOut({ redirectTo: '/sign-in' });
};


/**
 * Changing the password ends every other session of the user (lib/users/service.ts); this one stays.
 * The current password is checked through the sign-in throttle, so a borrowed session cannot be
 * used to guess it at full speed.
 */
export const changePasswordAction = authenticatedAction('auth.changePassword', changePasswordSchema, async (input, { db, user }) => {
  const check = await checkCredentials(db, { email: user.email, password: input.currentPassword, clientAddress: clientAddressFrom(await headers(), env()) });
  if (!check.ok) {
    if (check.reason === 'throttled') throw new UserFacingError('throttled', { minutes: check.retryAfterMinutes }, 'currentPassword');
    throw new UserFacingError('currentPasswordWrong', {}, 'currentPassword');
  }
  await changePassword(db, user.id, input, await currentSessionId());
  return { changed: true };
});

/** Ends all of the user's sessions on every device, this one too, and leads to the sign-in page. */
export const signOutEverywhereAction = authenticatedAction('auth.signOutEverywhere', z.object({}), async (_input, { db, user }) => {
  await endAllUserSessions(db, user.id);
  await signOut({ redirectTo: '/sign-in' });
  return { signedOut: true };
});
