'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { archiveMessagesAction } from '@/lib/crm/documents/actions';
import type { DocumentLinksInput } from '@/lib/crm/documents/client';

/** One click: archive messages with links decided earlier (a reply in an archived conversation, a sent reply). */
export function ArchiveWithLinksButton({ messageIds, links, onlyMe, label }: { messageIds: string[]; links: DocumentLinksInput; onlyMe: boolean; label: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const archive = async () => {
    setPending(true);
    const result = await archiveMessagesAction(null, { messageIds, ...links, visibility: onlyMe ? 'only_me' : 'everyone' });
    setPending(false);
    if (result.ok) router.refresh();
    else setError(result.error);
  };
  return (
    <>
      <button
        type="button"
        disabled={pending}
        onClick={() => void archive()}
        data-testid="archive-with-links"
        className="min-h-10 rounded-md bg-indigo-600 px-3 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {label}
      </button>
      {error ? (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      ) : null}
    </>
  );
}
