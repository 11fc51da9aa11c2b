'use server';

import { authenticatedAction } from '@/lib/actions/action';
import { composeSchema } from './compose-schema';
import { sendMail } from './send';

/** Sends from the composer through the user's own account; the Inbox's replies will reuse it. */
export const sendMailAction = authenticatedAction('mail.send', composeSchema, (message, { db, user }) => sendMail(db, user, message));
