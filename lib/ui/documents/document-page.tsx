import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import type { MailAddressEntry } from '@/db/schema';
import { requireUser } from '@/lib/auth/session';
import { getDocument } from '@/lib/crm/documents';
import { recordHref } from '@/lib/crm/timeline';
import { parseUuid } from '@/lib/http/params';
import { DetailHeader, FieldList, Panel } from '@/lib/ui/crm/detail';
import { HtmlBodyFrame } from '@/lib/ui/mail/html-body-frame';
import { DeleteDocumentButton, EditDocumentButton, UnlinkButton } from './document-actions';

function addressList(entries: MailAddressEntry[]): string {
  return entries.map((entry) => (entry.name ? `${entry.name} <${entry.address}>` : entry.address)).join(', ');
}

/**
 * An archived document as the team sees it in the CRM: its fields and links, the message rendered
 * as safely as in the Inbox (sanitized when archived, sandboxed, remote images blocked), its
 * attachments and the original file, all read from the document itself, never from the mailbox.
 */
export async function DocumentPage({ id }: { id: string }) {
  const user = await requireUser();
  const documentId = parseUuid(id);
  const db = await getDb();
  const document = documentId ? await getDocument(db, user, documentId) : undefined;
  if (!document) notFound();
  const t = await getTranslations('documents');
  const format = await getFormatter();
  const nonce = (await headers()).get('x-nonce');
  const files = document.attachments.filter((attachment) => !attachment.isInline);
  const isEmail = document.kind !== 'file';

  return (
    <div className="flex flex-col gap-4" data-testid="document-page">
      <DetailHeader
        title={document.subject || t('noSubject')}
        subtitle={
          <span className={document.visibility === 'only_me' ? 'italic' : ''}>
            {t(`kinds.${document.kind}`)} · {format.dateTime(document.documentDate, { dateStyle: 'medium', timeStyle: 'short' })}
            {document.visibility === 'only_me' ? ` · ${t('visibility.only_me')}` : ''}
          </span>
        }
        actions={
          <>
            <a href={`/api/documents/${document.id}/file`} download className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-4 font-medium text-slate-800 hover:bg-slate-50" data-testid="download-original">
              {isEmail ? t('downloadEml') : t('downloadFile')}
            </a>
            <EditDocumentButton
              document={{
                id: document.id,
                subject: document.subject,
                date: document.documentDate.toISOString().slice(0, 10),
                ourReference: document.ourReference,
                yourReference: document.yourReference,
                visibility: document.visibility,
                completed: document.completed,
                kind: document.kind,
                canChangeVisibility: document.ownerId === user.id,
              }}
              links={document.links.map((link) => ({ kind: link.kind, id: link.id, label: link.name }))}
            />
            <DeleteDocumentButton documentId={document.id} />
          </>
        }
      />
      <Panel title={t('links')} id="document-links">
        {document.links.length === 0 ? (
          <p className="text-sm text-slate-500">{t('noLinks')}</p>
        ) : (
          <ul className="flex flex-wrap gap-2" data-testid="document-links">
            {document.links.map((link) => (
              <li key={`${link.kind}:${link.id}`} className="flex max-w-full items-center gap-1 rounded-full bg-indigo-50 px-3 py-1 text-sm text-indigo-800">
                <span className="text-xs text-indigo-600">{t(`recordKinds.${link.kind}`)}</span>
                <Link href={recordHref(link)} className="truncate font-medium hover:underline">
                  {link.name}
                </Link>
                <UnlinkButton documentId={document.id} kind={link.kind} recordId={link.id} name={link.name} />
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel title={t('details')} id="document-details">
        <FieldList
          fields={[
            { label: t('from'), value: addressList(document.from) },
            { label: t('to'), value: addressList(document.to) },
            { label: t('cc'), value: addressList(document.cc) },
            { label: t('ourReference'), value: document.ourReference },
            { label: t('yourReference'), value: document.yourReference },
            { label: t('completed'), value: document.completed ? t('yes') : t('no') },
            { label: t('archivedByLabel'), value: `${document.ownerName ?? t('someone')} · ${format.dateTime(document.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}` },
            { label: t('file'), value: `${document.filename} (${format.number(Math.max(1, Math.round(document.size / 1024)))} KB)` },
          ]}
        />
      </Panel>
      {isEmail ? (
        document.htmlBody ? (
          <HtmlBodyFrame
            html={document.htmlBody}
            blockedRemoteImages={document.blockedRemoteImages}
            showRemoteImages={false}
            senderAddress={null}
            title={document.subject}
            nonce={nonce}
            attachmentPath="/api/documents/attachments/"
          />
        ) : (
          <pre className="whitespace-pre-wrap break-words rounded-lg border border-slate-200 bg-white p-4 font-sans text-sm">{document.textBody ?? ''}</pre>
        )
      ) : null}
      {files.length > 0 ? (
        <Panel title={t('attachments')} id="document-attachments">
          <ul className="flex flex-col gap-1 text-sm">
            {files.map((file) => (
              <li key={file.id} className="min-w-0 break-all">
                <a href={`/api/documents/attachments/${file.id}`} className="inline-flex min-h-10 items-center text-indigo-700 hover:underline">
                  {file.filename ?? t('unnamedAttachment')}
                </a>{' '}
                <span className="text-slate-500">({format.number(Math.max(1, Math.round(file.size / 1024)))} KB)</span>
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
    </div>
  );
}
