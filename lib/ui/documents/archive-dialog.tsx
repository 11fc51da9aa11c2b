'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { archiveAttachmentAction, archiveMessagesAction, suggestArchiveAction } from '@/lib/crm/documents/actions';
import { documentHref, type ArchiveProposal, type LinkSuggestion } from '@/lib/crm/documents/client';
import { RecordPicker } from '@/lib/ui/crm/record-picker';
import { DialogButtons, DocumentFields } from './document-fields';

export type ArchiveTarget = { messageIds: string[] } | { attachmentId: string; messageId: string; filename: string };

const inputName = { company: 'companyIds[]', contact: 'contactIds[]', project: 'projectIds[]', sale: 'saleIds[]' } as const;

/**
 * The document dialog: one for a message, a selection or an attachment. Suggestions come ranked
 * with the reason each is offered; the strong ones (exact address, the archived mail this replies
 * to) can be taken with one click or Enter. Nothing is linked that the user did not tick or pick.
 */
export function ArchiveDialog({ target, onClose }: { target: ArchiveTarget; onClose: () => void }) {
  const t = useTranslations('documents');
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const [proposal, setProposal] = useState<ArchiveProposal | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [archived, setArchived] = useState<{ documentId: string; count: number; existed: boolean } | null>(null);
  const messageIds = 'messageIds' in target ? target.messageIds : [target.messageId];
  const single = messageIds.length === 1;
  const key = (suggestion: Pick<LinkSuggestion, 'kind' | 'id'>) => `${suggestion.kind}:${suggestion.id}`;

  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  useEffect(() => {
    let current = true;
    void suggestArchiveAction(null, { messageIds }).then((result) => {
      if (!current) return;
      if (result.ok) setProposal(result.data);
      else setLoadError(result.error);
    });
    return () => {
      current = false;
    };
    // The target does not change while the dialog is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const strong = proposal?.suggestions.filter((suggestion) => suggestion.strong) ?? [];
  const submit = async (extra: LinkSuggestion[] = []) => {
    if (!form.current) return;
    setPending(true);
    setError(null);
    const data = new FormData(form.current);
    for (const suggestion of extra) data.append(inputName[suggestion.kind], suggestion.id);
    const result = 'attachmentId' in target ? await archiveAttachmentAction(null, data) : await archiveMessagesAction(null, data);
    setPending(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const documents = Array.isArray(result.data) ? result.data : [result.data];
    setArchived({ documentId: documents[0]!.documentId, count: documents.length, existed: documents.every((document) => !document.created) });
    router.refresh();
  };

  const close = () => {
    dialog.current?.close();
    onClose();
  };
  const reason = (suggestion: LinkSuggestion) => {
    const why = suggestion.reason;
    switch (why.kind) {
      case 'contactAddress':
        return t('reason.contactAddress', { address: why.address });
      case 'contactCompany':
        return t('reason.contactCompany', { name: why.contactName });
      case 'domain':
        return t('reason.domain', { domain: why.domain });
      case 'openSale':
        return t('reason.openSale', { name: why.companyName });
      case 'runningProject':
        return t('reason.runningProject', { name: why.recordName });
      case 'repliedTo':
        return t('reason.repliedTo', { subject: why.subject });
      case 'thread':
        return t('reason.thread', { subject: why.subject });
    }
  };

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby="archive-title"
      data-testid="archive-dialog"
      className="m-auto max-h-[calc(100dvh-1rem)] w-[min(42rem,calc(100vw-1rem))] overflow-y-auto rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="flex flex-col gap-4 p-4 sm:p-5">
        <h2 id="archive-title" className="text-lg font-semibold">
          {'attachmentId' in target ? t('archiveAttachmentTitle', { name: target.filename }) : single ? t('archiveTitle') : t('archiveManyTitle', { count: messageIds.length })}
        </h2>
        {archived ? (
          <div role="status" className="flex flex-col gap-3">
            <p className="text-sm text-slate-800">{archived.existed ? t('linkedExisting', { count: archived.count }) : t('archived', { count: archived.count })}</p>
            <div className="flex flex-wrap gap-2">
              <Link href={documentHref(archived.documentId)} className="inline-flex min-h-10 items-center rounded-md bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-700">
                {t('openDocument')}
              </Link>
              <button type="button" onClick={close} className="min-h-10 rounded-md border border-slate-300 px-4 text-sm hover:bg-slate-100">
                {t('close')}
              </button>
            </div>
          </div>
        ) : loadError ? (
          <p role="alert" className="text-sm text-red-700">
            {loadError}
          </p>
        ) : !proposal ? (
          <p className="text-sm text-slate-500">{t('loading')}</p>
        ) : (
          <form
            ref={form}
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
            className="flex flex-col gap-4"
          >
            {'attachmentId' in target ? (
              <input type="hidden" name="attachmentId" value={target.attachmentId} />
            ) : (
              messageIds.map((id) => <input key={id} type="hidden" name="messageIds[]" value={id} />)
            )}
            {proposal.existingDocumentId && !('attachmentId' in target) ? (
              <p className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="already-archived">
                {t('alreadyArchived')}{' '}
                <Link href={documentHref(proposal.existingDocumentId)} className="font-medium underline">
                  {t('openDocument')}
                </Link>
              </p>
            ) : null}
            {strong.length > 0 ? (
              <div className="flex flex-col gap-2 rounded-md border border-indigo-200 bg-indigo-50 p-3">
                <p className="text-sm text-indigo-900">{t('bestMatch')}</p>
                <button
                  type="button"
                  autoFocus
                  disabled={pending}
                  data-testid="accept-suggestion"
                  onClick={() => void submit(strong)}
                  className="min-h-10 self-start rounded-md bg-indigo-600 px-4 text-left text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
                >
                  {t('acceptSuggestion', { names: strong.map((suggestion) => suggestion.name).join(', ') })}
                </button>
                <p className="text-xs text-indigo-800">{t('acceptHint')}</p>
              </div>
            ) : null}
            {proposal.suggestions.length > 0 ? (
              <fieldset className="flex flex-col gap-1">
                <legend className="mb-1 text-sm font-medium text-slate-700">{t('suggestions')}</legend>
                {proposal.suggestions.map((suggestion) => (
                  <label key={key(suggestion)} className="flex min-h-10 items-start gap-2 rounded-md px-1 py-1 hover:bg-slate-50">
                    <input
                      type="checkbox"
                      name={inputName[suggestion.kind]}
                      value={suggestion.id}
                      checked={ticked.has(key(suggestion))}
                      onChange={(event) =>
                        setTicked((previous) => {
                          const next = new Set(previous);
                          if (event.target.checked) next.add(key(suggestion));
                          else next.delete(key(suggestion));
                          return next;
                        })
                      }
                      className="mt-1 h-4 w-4"
                    />
                    <span className="min-w-0">
                      <span className="mr-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t(`recordKinds.${suggestion.kind}`)}</span>{' '}
                      <span className="font-medium text-slate-900">{suggestion.name}</span>{' '}
                      <span className="block text-xs text-slate-500">{reason(suggestion)}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
            ) : (
              <p className="text-sm text-slate-500">{t('noSuggestions')}</p>
            )}
            <details className="rounded-md border border-slate-200 p-3" open={proposal.suggestions.length === 0}>
              <summary className="cursor-pointer text-sm font-medium text-slate-700">{t('linkOthers')}</summary>
              <div className="mt-3 grid gap-3 sm:grid-cols-2">
                <RecordPicker kind="company" name="companyIds" label={t('recordKinds.company')} multiple initial={[]} />
                <RecordPicker kind="contact" name="contactIds" label={t('recordKinds.contact')} multiple initial={[]} />
                <RecordPicker kind="project" name="projectIds" label={t('recordKinds.project')} multiple initial={[]} />
                <RecordPicker kind="sale" name="saleIds" label={t('recordKinds.sale')} multiple initial={[]} />
              </div>
            </details>
            <DocumentFields
              values={{ subject: 'attachmentId' in target ? '' : proposal.subject, date: proposal.date, kind: 'attachmentId' in target ? null : proposal.kind }}
              subjectAndDate={single}
              subjectPlaceholder={'attachmentId' in target ? t('subjectFromFilename') : undefined}
            />
            {error ? (
              <p role="alert" className="text-sm text-red-700">
                {error}
              </p>
            ) : null}
            <DialogButtons onCancel={close} pending={pending} submitLabel={pending ? t('archiving') : t('archive')} submitTestId="archive-submit" />
          </form>
        )}
      </div>
    </dialog>
  );
}
