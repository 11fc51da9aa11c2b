'use client';

import { useTranslations } from 'next-intl';
import { useMemo, useState, useSyncExternalStore } from 'react';
import { attachmentImageSource, mailFrameDocument } from '@/lib/mail/html/client';

export interface HtmlBodyFrameProps {
  /** The body as stored: the output of sanitizeMailHtml, never raw mail HTML. */
  html: string;
  /** sanitizeMailHtml's count of parked remote images; 0 hides the button. */
  blockedRemoteImages: number;
  /** The reader's standing preference; when off, the button reveals images for this message only. */
  showRemoteImages: boolean;
  /** Accessible name of the frame, e.g. the subject. */
  title: string;
}

/**
 * Shows a sanitized HTML mail body in a sandboxed iframe: no allow-scripts and no allow-same-origin,
 * so even markup that slipped past the sanitizer can neither run nor reach the app, its cookies or
 * its storage. Links open in a new, unsandboxed tab (allow-popups-to-escape-sandbox) so the pages
 * they lead to work normally.
 *
 * Height: a frame cannot size itself to its content here — measuring needs a script inside the frame
 * (forbidden) or access from the parent (which allow-same-origin would grant, and with it an escape
 * route), and the server cannot know the height because it depends on fonts and the viewport width.
 * So the frame gets a viewport-relative height, scrolls inside, and can be dragged taller.
 */
export function HtmlBodyFrame({ html, blockedRemoteImages, showRemoteImages, title }: HtmlBodyFrameProps) {
  const t = useTranslations('mailView');
  // Remembers which body the reader unblocked, so moving to another message blocks again
  // without an effect to reset state.
  const [revealedBody, setRevealedBody] = useState<string | null>(null);
  const remoteImagesShown = showRemoteImages || revealedBody === html;
  const appOrigin = useSyncExternalStore(subscribeToNothing, currentOrigin, noOriginOnServer);

  const frameDocument = useMemo(
    () =>
      mailFrameDocument(html, {
        showRemoteImages: remoteImagesShown,
        attachmentImageSource: appOrigin === null ? null : attachmentImageSource(appOrigin),
      }),
    [html, remoteImagesShown, appOrigin],
  );

  return (
    <div className="flex flex-col gap-2">
      {blockedRemoteImages > 0 && !remoteImagesShown ? (
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
          <span>{t('remoteImagesBlocked')}</span>
          <button
            type="button"
            onClick={() => setRevealedBody(html)}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 font-medium text-slate-800 hover:bg-slate-100"
          >
            {t('showRemoteImages', { count: blockedRemoteImages })}
          </button>
        </div>
      ) : null}
      <div className="h-[70dvh] min-h-64 resize-y overflow-hidden rounded-md border border-slate-200 bg-white">
        <iframe
          title={title}
          srcDoc={frameDocument}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerPolicy="no-referrer"
          className="block h-full w-full border-0"
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
