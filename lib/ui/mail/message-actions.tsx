'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { ReplyActions } from '@/lib/ui/compose/reply-actions';
import { useKeyboardShortcuts } from './use-keyboard-shortcuts';
import { FlagIcon, MoveSelect, ToolbarButton, type MoveTarget } from './message-list';
import { useMessageChanges } from './use-message-changes';

export interface MessageActionLinks {
  list: string;
  newer: string | null;
  older: string | null;
}

/**
 * The open message's actions: reply, reply all, forward, mark unread, flag, move, delete, and
 * previous/next in the list. Keyboard: r, a, f, #, u (back to the list), j/k (older/newer).
 * After a delete or a move the next message opens (or the list, at its end).
 */
export function MessageActions({
  messageId,
  flagged,
  inTrash,
  links,
  moveTargets,
}: {
  messageId: string;
  flagged: boolean;
  inTrash: boolean;
  links: MessageActionLinks;
  moveTargets: MoveTarget[];
}) {
  const t = useTranslations('mailView');
  const router = useRouter();
  const { apply, pending, error } = useMessageChanges();
  const afterLeaving = links.older ?? links.newer ?? links.list;

  const remove = () => {
    if (inTrash && !window.confirm(t('confirmDeleteForGood', { count: 1 }))) return;
    void apply([messageId], { change: 'delete' }).then((ok) => ok && router.push(afterLeaving));
  };

  useKeyboardShortcuts((key) => {
    const targets: Record<string, string | null> = { u: links.list, j: links.older, k: links.newer };
    if (key === '#') {
      remove();
      return true;
    }
    // Replying makes a draft on the server (a POST), so the keys press the same buttons a click would.
    const replyKind = ({ r: 'reply', a: 'reply_all', f: 'forward' } as Record<string, string>)[key];
    if (replyKind) {
      document.querySelector<HTMLButtonElement>(`[data-reply-kind="${replyKind}"]`)?.click();
      return true;
    }
    if (!(key in targets)) return false;
    const href = targets[key];
    if (href) router.push(href);
    return true;
  });

  const linkClass = 'inline-flex min-h-10 items-center rounded-md border border-slate-300 px-3 text-sm font-medium text-slate-800 hover:bg-slate-100';
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label={t('messageActions')}>
        <ReplyActions messageId={messageId} />
        <ToolbarButton label={t('markUnread')} disabled={pending} onClick={() => void apply([messageId], { change: 'unread' }).then((ok) => ok && router.push(links.list))} />
        <button
          type="button"
          disabled={pending}
          onClick={() => void apply([messageId], { change: flagged ? 'unflag' : 'flag' })}
          aria-pressed={flagged}
          aria-label={flagged ? t('unflagMessage') : t('flagMessage')}
          className="inline-flex min-h-10 min-w-10 items-center justify-center rounded-md border border-slate-300 hover:bg-slate-100"
        >
          <FlagIcon flagged={flagged} />
        </button>
        <MoveSelect targets={moveTargets} disabled={pending} onMove={(id) => void apply([messageId], { change: 'move', destinationFolderId: id }).then((ok) => ok && router.push(afterLeaving))} />
        <ToolbarButton label={inTrash ? t('deleteForGood') : t('delete')} tone="danger" disabled={pending} onClick={remove} />
        <span className="ml-auto flex gap-1">
          {links.newer ? (
            <Link href={links.newer} className={linkClass} aria-label={t('newerMessage')}>
              ↑
            </Link>
          ) : null}
          {links.older ? (
            <Link href={links.older} className={linkClass} aria-label={t('olderMessage')}>
              ↓
            </Link>
          ) : null}
        </span>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Marks the open message read: at once when "Mark as read in the preview" is on, otherwise after a
 * few seconds of reading, as mail clients do (a message only glanced at stays unread). In the
 * browser, not while rendering: a prefetched or crawled page must not change anything.
 */
export function MarkReadWhileOpen({ messageId, immediately, delayMs = 3000 }: { messageId: string; immediately: boolean; delayMs?: number }) {
  const { apply } = useMessageChanges();
  useEffect(() => {
    const timer = setTimeout(() => void apply([messageId], { change: 'read' }), immediately ? 0 : delayMs);
    return () => clearTimeout(timer);
  }, [apply, messageId, immediately, delayMs]);
  return null;
}
