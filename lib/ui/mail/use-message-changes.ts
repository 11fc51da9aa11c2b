'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useState, useTransition } from 'react';
import { changeMessagesAction } from '@/lib/mail/mailbox/actions';

export type ListChange =
  | { change: 'read' | 'unread' | 'flag' | 'unflag' | 'delete' }
  | { change: 'move'; destinationFolderId: string };

/**
 * Applies a change to messages through the server action (the database changes at once, the mail
 * server shortly after) and re-renders the page so lists, counts and the open message show it.
 */
export function useMessageChanges() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const apply = useCallback(
    (messageIds: string[], change: ListChange): Promise<boolean> =>
      new Promise((resolve) => {
        startTransition(async () => {
          const result = await changeMessagesAction(null, { messageIds, ...change });
          setError(result.ok ? null : result.error);
          router.refresh();
          resolve(result.ok);
        });
      }),
    [router],
  );
  return { apply, pending, error };
}
