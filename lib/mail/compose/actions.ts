'use server';

import { after } from 'next/server';
import { redirect } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { UserFacingError } from '@/lib/actions/errors';
import { getDb } from '@/db';
import { archiveOnSendSchema, composeSchema, parseAddressList } from './compose-schema';
import { suggestCorrespondents } from './correspondents';
import { createDraft, createReplyDraft, discardDraft, getOwnDraft, removeDraftAttachment, saveDraftContent, syncDraftCopy } from './drafts';
import { resolveUnknown, runDueSends, scheduleSend, setUndoSendSeconds, UNDO_SEND_CHOICES, undoSend } from './outbox';
import { sendMail } from './send';

/** Sends from the old one-shot composer form (kept for callers of sendMail); the composer uses the outbox below. */
export const sendMailAction = authenticatedAction('mail.send', composeSchema, (message, { db, user }) => sendMail(db, user, message));

const id = z.string().uuid();
const looseAddresses = z
  .string()
  .default('')
  .transform((text) => parseAddressList(text).addresses);

/** Replies, replies to all or forwards a message: makes the draft, then opens it. */
export const startReplyAction = authenticatedAction(
  'compose.start',
  z.object({ messageId: id, kind: z.enum(['reply', 'reply_all', 'forward']) }),
  async ({ messageId, kind }, { db, user }) => {
    const [t, format] = await Promise.all([getTranslations('compose.quote'), getFormatter()]);
    const draft = await createReplyDraft(db, user.id, messageId, kind, ({ sender, date }) => {
      const formattedDate = format.dateTime(date, { dateStyle: 'full', timeStyle: 'short' });
      return {
        wrote: t('wrote', { sender, date: formattedDate }),
        forwardedHeader: t('forwardedHeader'),
        from: t('from'),
        date: t('date'),
        subject: t('subject'),
        to: t('to'),
        cc: t('cc'),
        formattedDate,
      };
    });
    redirect(`/inbox/compose/${draft.id}`);
  },
);

const contentSchema = z.object({
  draftId: id.optional(),
  to: looseAddresses,
  cc: looseAddresses,
  bcc: looseAddresses,
  subject: z.string().max(998).default('').transform((text) => text.replace(/[\r\n]+/g, ' ')),
  html: z.string().max(2_000_000).default(''),
});

/** Autosave: makes the draft on the first save (fixing its Message-ID), then keeps it current; the Drafts folder follows after the response. */
export const saveDraftAction = authenticatedAction('compose.saveDraft', contentSchema, async ({ draftId, ...content }, { db, user }) => {
  const targetId = draftId ?? (await createDraft(db, user.id)).id;
  const saved = await saveDraftContent(db, user.id, targetId, content);
  if (!saved) throw new UserFacingError('compose.alreadySending');
  after(async () => syncDraftCopy(await getDb(), targetId));
  return { draftId: targetId, revision: saved.revision };
});

/** Send: the latest content is saved and checked, then queued behind the undo delay. */
export const sendDraftAction = authenticatedAction(
  'compose.send',
  contentSchema.extend({ to: z.string().default(''), cc: z.string().default(''), bcc: z.string().default(''), archive: archiveOnSendSchema.nullable().default(null) }).superRefine((input, context) => {
    for (const field of ['to', 'cc', 'bcc'] as const) {
      if (parseAddressList(input[field]).invalid.length > 0) context.addIssue({ code: 'custom', path: [field], message: 'compose.invalidAddresses' });
    }
    const count = (['to', 'cc', 'bcc'] as const).reduce((sum, field) => sum + parseAddressList(input[field]).addresses.length, 0);
    if (count === 0) context.addIssue({ code: 'custom', path: ['to'], message: 'compose.recipientRequired' });
  }),
  async ({ draftId, to, cc, bcc, archive, ...rest }, { db, user }) => {
    const targetId = draftId ?? (await createDraft(db, user.id)).id;
    const saved = await saveDraftContent(db, user.id, targetId, {
      ...rest,
      to: parseAddressList(to).addresses,
      cc: parseAddressList(cc).addresses,
      bcc: parseAddressList(bcc).addresses,
    });
    if (!saved) throw new UserFacingError('compose.alreadySending');
    const { sendAfter } = await scheduleSend(db, user.id, targetId, new Date(), archive);
    after(async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, sendAfter.getTime() - Date.now()) + 50));
      await runDueSends(await getDb());
    });
    return { draftId: targetId, sendAfter: sendAfter.toISOString() };
  },
);

export const undoSendAction = authenticatedAction('compose.undo', z.object({ draftId: id }), async ({ draftId }, { db, user }) => {
  if (!(await undoSend(db, user.id, draftId))) throw new UserFacingError('compose.tooLateToUndo');
  return { draftId };
});

export const discardDraftAction = authenticatedAction('compose.discard', z.object({ draftId: id }), async ({ draftId }, { db, user }) => {
  await discardDraft(db, user.id, draftId);
  return { discarded: true };
});

/** After an unknown outcome, the user's explicit "send anyway": Sent is searched first. */
export const resendUnknownAction = authenticatedAction('compose.resendUnknown', z.object({ draftId: id }), async ({ draftId }, { db, user }) => {
  const outcome = await resolveUnknown(db, user.id, draftId);
  if (outcome === 'scheduled') after(async () => void (await runDueSends(await getDb())));
  return { outcome };
});

/** Where a sent draft stands, for the composer's notice after Send; errors in the user's language. */
export const draftStatusAction = authenticatedAction('compose.status', z.object({ draftId: id }), async ({ draftId }, { db, user }) => {
  const draft = await getOwnDraft(db, user.id, draftId);
  if (!draft) return { state: 'gone' as const, error: null };
  const t = (await getTranslations('errors')) as unknown as (key: string, values?: Record<string, string | number>) => string;
  return { state: draft.state, error: draft.lastError ? t(draft.lastError.key, draft.lastError.values) : null };
});

export const suggestRecipientsAction = authenticatedAction('compose.suggest', z.object({ query: z.string().max(200) }), async ({ query }, { db, user }) =>
  suggestCorrespondents(db, user.id, query),
);

export const removeAttachmentAction = authenticatedAction('compose.removeAttachment', z.object({ draftId: id, attachmentId: id }), async ({ draftId, attachmentId }, { db, user }) => {
  await removeDraftAttachment(db, user.id, draftId, attachmentId);
  return { removed: attachmentId };
});

export const setUndoSendAction = authenticatedAction(
  'compose.setUndoSend',
  z.object({ seconds: z.coerce.number().refine((value) => (UNDO_SEND_CHOICES as readonly number[]).includes(value)) }),
  async ({ seconds }, { db, user }) => {
    await setUndoSendSeconds(db, user.id, seconds);
    return { seconds };
  },
);
