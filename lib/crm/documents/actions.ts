'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions/action';
import { recordKinds } from '@/lib/crm/timeline';
import { archiveAttachment, archiveMessages } from './archive';
import { archiveAttachmentSchema, archiveMessagesSchema, documentFieldsSchema, documentLinksSchema } from './client';
import { deleteDocument, restoreDocument, unlinkDocument, updateDocument } from './manage';
import { suggestLinks, suggestLinksForRecipients } from './suggestions';

const messageIdList = z.array(z.uuid('invalidValue')).min(1, 'invalidValue').max(200, 'documents.tooMany');

/** The archive dialog's proposal for a message or a selection: direction, subject, date and ranked suggestions. */
export const suggestArchiveAction = authenticatedAction('documents.suggest', z.object({ messageIds: messageIdList }), async ({ messageIds }, { db, user }) =>
  suggestLinks(db, user, messageIds),
);

export const archiveMessagesAction = authenticatedAction('documents.archiveMessages', archiveMessagesSchema, async (input, { db, user }) => {
  const archived = await archiveMessages(db, user, input);
  revalidatePath('/inbox', 'layout');
  return archived;
});

export const archiveAttachmentAction = authenticatedAction('documents.archiveAttachment', archiveAttachmentSchema, async (input, { db, user }) => {
  const archived = await archiveAttachment(db, user, input);
  revalidatePath('/inbox', 'layout');
  return archived;
});

export const updateDocumentAction = authenticatedAction(
  'documents.update',
  documentLinksSchema.extend({ ...documentFieldsSchema.shape, documentId: z.uuid('crm.notFound') }),
  async ({ documentId, companyIds, contactIds, projectIds, saleIds, ...fields }, { db, user }) => {
    await updateDocument(db, user, documentId, fields, { companyIds, contactIds, projectIds, saleIds });
    revalidatePath(`/documents/${documentId}`);
    return { documentId };
  },
);

export const unlinkDocumentAction = authenticatedAction(
  'documents.unlink',
  z.object({ documentId: z.uuid('crm.notFound'), kind: z.enum(recordKinds, 'invalidValue'), id: z.uuid('crm.notFound') }),
  async ({ documentId, kind, id }, { db, user }) => {
    await unlinkDocument(db, user, documentId, { kind, id });
    revalidatePath(`/documents/${documentId}`);
    return { documentId };
  },
);

export const deleteDocumentAction = authenticatedAction('documents.delete', z.object({ documentId: z.uuid('crm.notFound') }), async ({ documentId }, { db, user }) => {
  await deleteDocument(db, user, documentId);
  return { documentId };
});

export const restoreDocumentAction = authenticatedAction('documents.restore', z.object({ documentId: z.uuid('crm.notFound') }), async ({ documentId }, { db, user }) => {
  await restoreDocument(db, user, documentId);
  revalidatePath(`/documents/${documentId}`);
  return { documentId };
});

/** The composer's "Send and archive": suggestions from the recipients and the message answered. */
export const suggestForRecipientsAction = authenticatedAction(
  'documents.suggestForRecipients',
  z.object({ addresses: z.array(z.string().max(320)).max(200), sourceMessageId: z.uuid().nullable().default(null) }),
  async (input, { db, user }) => suggestLinksForRecipients(db, user, input),
);
