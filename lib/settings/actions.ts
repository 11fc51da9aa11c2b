'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { locales } from '@/lib/i18n/config';
import { rememberLocale } from '@/lib/i18n/cookie';
import { setUserLocale } from '@/lib/users/service';

export const setLanguageAction = authenticatedAction(
  'settings.setLanguage',
  z.object({ locale: z.enum([...locales, 'browser'], 'invalidValue') }),
  async ({ locale }, { db, user }) => {
    const chosen = locale === 'browser' ? null : locale;
    await rememberLocale(chosen);
    await setUserLocale(db, user.id, chosen);
    revalidatePath('/', 'layout');
    return { locale };
  },
);
