import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { Database } from '@/db';
import { archivedMarkers, documentHref, documentsOfThread, linksOfDocuments, type ArchivedMarker, type DocumentLinksInput } from '@/lib/crm/documents';
import type { Viewer } from '@/lib/crm/shared';
import { ArchiveButton } from './archive-button';
import { ArchiveWithLinksButton } from './archive-with-links';

export interface MessageArchiveState {
  marker: ArchivedMarker | null;
  /** Archived attachments by MIME part. */
  attachmentMarkers: Map<string, ArchivedMarker>;
  /** Not archived, but its conversation is: the links to propose (never applied without a click). */
  threadProposal: { subject: string; links: DocumentLinksInput; onlyMe: boolean } | null;
}

/** Whether a message (and which of its attachments) is archived, and what its archived conversation proposes. */
export async function loadMessageArchiveState(
  db: Database,
  viewer: Viewer,
  message: { id: string; messageId: string | null; threadId: string },
): Promise<MessageArchiveState> {
  const markers = await archivedMarkers(db, viewer, [message]);
  const marker = markers.get(message.id) ?? null;
  const attachmentMarkers = new Map<string, ArchivedMarker>();
  for (const [key, value] of markers) if (key.startsWith(`${message.id}:`)) attachmentMarkers.set(key.slice(message.id.length + 1), value);
  let threadProposal: MessageArchiveState['threadProposal'] = null;
  if (!marker) {
    const threadDocuments = await documentsOfThread(db, viewer, message.threadId);
    if (threadDocuments.length > 0) {
      threadProposal = {
        subject: threadDocuments[0]!.subject,
        links: await linksOfDocuments(db, threadDocuments.map((document) => document.id)),
        onlyMe: threadDocuments[0]!.visibility === 'only_me',
      };
    }
  }
  return { marker, attachmentMarkers, threadProposal };
}

/** The message's archive state above its body: "archived by … on …" with the document, or Archive; and the conversation's proposal. */
export async function MessageArchiveBar({ messageId, state }: { messageId: string; state: MessageArchiveState }) {
  const t = await getTranslations('documents');
  const format = await getFormatter();
  return (
    <div className="flex flex-col gap-2">
      {state.marker ? (
        <p className="flex flex-wrap items-center gap-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="archived-marker">
          <span aria-hidden="true">✓</span>
          <span>
            {t('archivedBy', {
              name: state.marker.archivedBy ?? t('someone'),
              date: format.dateTime(state.marker.archivedAt, { dateStyle: 'medium', timeStyle: 'short' }),
            })}
          </span>
          <Link href={documentHref(state.marker.documentId)} className="font-medium underline">
            {t('openDocument')}
          </Link>
          <ArchiveButton target={{ messageIds: [messageId] }} label={t('addLinks')} shortcut />
        </p>
      ) : (
        <div className="flex flex-wrap gap-2">
          <ArchiveButton target={{ messageIds: [messageId] }} shortcut />
        </div>
      )}
      {state.threadProposal ? (
        <div className="flex flex-wrap items-center gap-2 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900" data-testid="thread-proposal">
          <span>{t('threadArchived', { subject: state.threadProposal.subject })}</span>
          <ArchiveWithLinksButton messageIds={[messageId]} links={state.threadProposal.links} onlyMe={state.threadProposal.onlyMe} label={t('archiveWithSameLinks')} />
        </div>
      ) : null}
    </div>
  );
}
