'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * Keeps the open Inbox current: listens to /api/mail/events and re-renders the server page when the
 * mailbox changed (new mail imported after an IDLE notice or a timer pass, flags from another
 * client). The page's metadata puts the unread count in the tab title, so the refresh updates it too.
 */
export function LiveMailbox({ renderedVersion }: { renderedVersion: string }) {
  const router = useRouter();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/mail/events');
    // What the server rendered: a change between the render and the stream's first event counts too.
    let seen = renderedVersion;
    source.addEventListener('mailbox', (event) => {
      const { version } = JSON.parse((event as MessageEvent<string>).data) as { version: string };
      if (version !== seen) router.refresh();
      seen = version;
    });
    return () => source.close();
    // The stream stays open across the refreshes it causes; a new rendered version does not restart it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [router]);
  return null;
}
