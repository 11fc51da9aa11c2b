'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { emailClient } from '@/db/schema';
import { authenticatedAction } from '@/lib/actions/action';
import { MAX_SIGNATURE_LENGTH, updatePreferences } from './service';

/** Answers the first-sign-in question, or changes the answer under Local settings. */
export const setEmailClientAction = authenticatedAction(
  'preferences.setEmailClient',
  z.object({ emailClient: z.enum(emailClient.enumValues, 'preferences.chooseEmailClient') }),
  async ({ emailClient: choice }, { db, user }) => {
    await updatePreferences(db, user.id, { emailClient: choice });
    // Every e-mail address on every page links according to this choice.
    revalidatePath('/', 'layout');
    return { emailClient: choice };
  },
);

/** An unticked checkbox is simply missing from the form data. */
const checkbox = z
  .literal('on', 'invalidValue')
  .optional()
  .transform((value) => value === 'on');

export const saveMailOptionsGeneralAction = authenticatedAction(
  'preferences.saveMailOptionsGeneral',
  z.object({
    showRemoteImages: checkbox,
    markAsReadInPreview: checkbox,
    signature: z
      .string()
      .default('')
      // Browsers submit textarea line breaks as \r\n; messages are composed with \n.
      .transform((text) => text.replace(/\r\n?/g, '\n').trimEnd())
      .pipe(z.string().max(MAX_SIGNATURE_LENGTH, 'preferences.signatureTooLong')),
  }),
  async (input, { db, user }) => {
    const saved = await updatePreferences(db, user.id, input);
    revalidatePath('/settings', 'layout');
    revalidatePath('/inbox', 'layout');
    return { showRemoteImages: saved.showRemoteImages, markAsReadInPreview: saved.markAsReadInPreview, signature: saved.signature };
  },
);
