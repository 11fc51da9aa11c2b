'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, useTransition } from 'react';
import { attachmentImageSource, mailFrameDocument } from '@/lib/mail/html/client';
import { setSenderImagesTrustedAction } from '@/lib/mail/mailbox/actions';

export interface HtmlBodyFrameProps {
  /** The body as stored: the output of sanitizeMailHtml, never raw mail HTML. */
  html: string;
  /** sanitizeMailHtml's count of parked remote images; 0 hides the button. */
  blockedRemoteImages: number;
  /** The reader's standing preference, or a sender they trust; when off, the bar offers both. */
  showRemoteImages: boolean;
  /** The sender's address, for "Always show images from this sender"; null hides that choice. */
  senderAddress: string | null;
  /** Accessible name of the frame, e.g. the subject. */
  title: string;
  /** The page's CSP nonce, which lets the frame report its height (see mailFrameDocument). */
  nonce: string | null;
  /** Where the body's `cid:` images are served; the Inbox's attachment route unless given (archived documents have their own). */
  attachmentPath?: string;
}

const MIN_HEIGHT = 48;
const MAX_HEIGHT = 50_000;

/**
 * Shows a sanitized HTML mail body in a sandboxed iframe without allow-same-origin: an opaque origin,
 * so even markup that slipped past the sanitizer can reach neither the app nor its cookies or
 * storage. The frame's own policy runs no script but our height reporter (by the page's nonce), so the
 * frame grows to the mail's height instead of scrolling inside a box. Links open in a new,
 * unsandboxed tab (allow-popups-to-escape-sandbox) so the pages they lead to work normally.
 */
export function HtmlBodyFrame({ html, blockedRemoteImages, showRemoteImages, senderAddress, title, nonce, attachmentPath }: HtmlBodyFrameProps) {
  const t = useTranslations('mailView');
  const router = useRouter();
  const frame = useRef<HTMLIFrameElement>(null);
  // Remembers which body the reader unblocked, so moving to another message blocks again
  // without an effect to reset state.
  const [revealedBody, setRevealedBody] = useState<string | null>(null);
  const [measured, setMeasured] = useState<{ html: string; height: number } | null>(null);
  const [trusting, startTrusting] = useTransition();
  const remoteImagesShown = showRemoteImages || revealedBody === html;
  const appOrigin = useSyncExternalStore(subscribeToNothing, currentOrigin, noOriginOnServer);

  const frameDocument = useMemo(
    () =>
      mailFrameDocument(html, {
        showRemoteImages: remoteImagesShown,
        attachmentImageSource: appOrigin === null ? null : attachmentImageSource(appOrigin, attachmentPath),
        sizeReporterNonce: nonce,
      }),
    [html, remoteImagesShown, appOrigin, nonce, attachmentPath],
  );

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.current?.contentWindow) return;
      const height = (event.data as { crmMailFrameHeight?: unknown } | null)?.crmMailFrameHeight;
      if (typeof height !== 'number' || !Number.isFinite(height)) return;
      setMeasured({ html, height: Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(height))) });
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [html]);

  const height = measured?.html === html ? measured.height : null;

  return (
    <div className="flex flex-col gap-2">
      {blockedRemoteImages > 0 && !remoteImagesShown ? (
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
          <span>{t('remoteImagesBlocked')}</span>
          <button
            type="button"
            onClick={() => setRevealedBody(html)}
            className="min-h-10 rounded-md border border-slate-300 bg-white px-2.5 font-medium text-slate-800 hover:bg-slate-100"
          >
            {t('showRemoteImages', { count: blockedRemoteImages })}
          </button>
          {senderAddress ? (
            <button
              type="button"
              disabled={trusting}
              onClick={() =>
                startTrusting(async () => {
                  const result = await setSenderImagesTrustedAction(null, { address: senderAddress, trusted: true });
                  if (result.ok) router.refresh();
                })
              }
              className="min-h-10 rounded-md px-2.5 font-medium text-indigo-700 hover:underline"
            >
              {t('alwaysShowImagesFrom', { address: senderAddress })}
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="overflow-hidden rounded-md border border-slate-200 bg-white">
        <iframe
          ref={frame}
          title={title}
          srcDoc={frameDocument}
          sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"
          referrerPolicy="no-referrer"
          data-testid="mail-frame"
          style={{ height: height === null ? undefined : `${height}px` }}
          className={`block w-full border-0 ${height === null ? 'h-64' : ''}`}
        />
      </div>
    </div>
  );
}

function subscribeToNothing(): () => void {
  return () => {};
}

function currentOrigin(): string {
  return window.location.origin;
}

/** On the server the origin is unknown; the frame then blocks attachment images until hydration. */
function noOriginOnServer(): null {
  return null;
}
