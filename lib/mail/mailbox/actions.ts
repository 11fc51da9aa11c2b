'use server';

import { revalidatePath } from 'next/cache';
import { after } from 'next/server';
import { z } from 'zod';
import type { Database } from '@/db';
import { authenticatedAction } from '@/lib/actions/action';
import { importAccountNow } from '@/lib/mail/sync';
import { changeMessages, dismissDroppedChanges, type MessageChange } from './changes';
import { setFoldersSelected, switchFolderOn } from './queries';
import { setSenderImagesTrusted } from './senders';

/** The change is on the page at once; the server gets it from a pass started right after the response. */
function writeBackSoon(db: Database, accountId: string | null) {
  revalidatePath('/inbox', 'layout');
  if (accountId) after(() => importAccountNow(db, accountId).then(() => undefined));
}

const changeSchema = z.discriminatedUnion('change', [
  z.object({ change: z.enum(['read', 'unread', 'flag', 'unflag', 'delete']) }),
  z.object({ change: z.literal('move'), destinationFolderId: z.uuid('invalidValue') }),
]);

const CHANGES: Record<'read' | 'unread' | 'flag' | 'unflag' | 'delete', MessageChange> = {
  read: { kind: 'seen', value: true },
  unread: { kind: 'seen', value: false },
  flag: { kind: 'flagged', value: true },
  unflag: { kind: 'flagged', value: false },
  delete: { kind: 'delete' },
};

/** Mark read or unread, flag, move or delete one message or a selection; written back to the mail server. */
export const changeMessagesAction = authenticatedAction(
  'mail.changeMessages',
  z.intersection(z.object({ messageIds: z.array(z.uuid('invalidValue')).min(1).max(5000) }), changeSchema),
  async (input, { db, user }) => {
    const change: MessageChange = input.change === 'move' ? { kind: 'move', destinationFolderId: input.destinationFolderId } : CHANGES[input.change];
    const result = await changeMessages(db, user.id, input.messageIds, change);
    if (result.changed > 0) writeBackSoon(db, result.accountId);
    return { changed: result.changed, deletedForGood: result.deletedForGood };
  },
);

/** Clears the notice about changes the server refused. */
export const dismissDroppedChangesAction = authenticatedAction('mail.dismissDroppedChanges', z.object({}), async (_input, { db, user }) => {
  await dismissDroppedChanges(db, user.id);
  revalidatePath('/inbox', 'layout');
  return {};
});

/** E-mail options → which folders are imported; the checkboxes post the ids of the folders switched on. */
export const setImportedFoldersAction = authenticatedAction(
  'mail.setImportedFolders',
  z.object({ folderIds: z.array(z.uuid('invalidValue')).max(1000).default([]) }),
  async ({ folderIds }, { db, user }) => {
    await setFoldersSelected(db, user.id, folderIds);
    revalidatePath('/settings/email');
    revalidatePath('/inbox');
    return { selected: folderIds.length };
  },
);

/** "Always show images from this sender" (and its undo). */
export const setSenderImagesTrustedAction = authenticatedAction(
  'mail.setSenderImagesTrusted',
  z.object({ address: z.email('invalidEmail').max(320), trusted: z.boolean() }),
  async ({ address, trusted }, { db, user }) => {
    await setSenderImagesTrusted(db, user.id, address, trusted);
    revalidatePath('/inbox', 'layout');
    return { trusted };
  },
);

/** "Import this folder" from the Inbox's folder list: switched on, and imported in a pass started now. */
export const importFolderAction = authenticatedAction('mail.importFolder', z.object({ folderId: z.uuid('invalidValue') }), async ({ folderId }, { db, user }) => {
  const accountId = await switchFolderOn(db, user.id, folderId);
  if (accountId) writeBackSoon(db, accountId);
  return { imported: accountId !== null };
});
