'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { deleteDocumentAction, restoreDocumentAction, unlinkDocumentAction, updateDocumentAction } from '@/lib/crm/documents/actions';
import { RecordPicker, type PickedRecord } from '@/lib/ui/crm/record-picker';
import { DialogButtons, DocumentFields } from './document-fields';

type RecordKind = 'company' | 'contact' | 'project' | 'sale';

export function UnlinkButton({ documentId, kind, recordId, name }: { documentId: string; kind: RecordKind; recordId: string; name: string }) {
  const t = useTranslations('documents');
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      aria-label={t('unlink', { name })}
      className="px-1 text-indigo-600 disabled:opacity-50"
      onClick={async () => {
        setPending(true);
        const result = await unlinkDocumentAction(null, { documentId, kind, id: recordId });
        setPending(false);
        if (result.ok) router.refresh();
      }}
    >
      ×
    </button>
  );
}

/**
 * Delete with a few seconds to undo: the document disappears from every timeline at once; the mail
 * on the server is never touched. When the time is up the page goes back to where the user came from.
 */
export function DeleteDocumentButton({ documentId, undoSeconds = 30 }: { documentId: string; undoSeconds?: number }) {
  const t = useTranslations('documents');
  const router = useRouter();
  const [deleted, setDeleted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!deleted) return;
    const timer = setTimeout(() => router.push('/'), undoSeconds * 1000);
    return () => clearTimeout(timer);
  }, [deleted, router, undoSeconds]);
  if (deleted) {
    return (
      <p role="status" className="flex items-center gap-2 rounded-md bg-slate-800 px-3 py-2 text-sm text-white" data-testid="document-deleted">
        {t('deleted')}
        <button
          type="button"
          className="font-medium underline"
          onClick={async () => {
            const result = await restoreDocumentAction(null, { documentId });
            if (result.ok) {
              setDeleted(false);
              router.refresh();
            } else setError(result.error);
          }}
        >
          {t('undo')}
        </button>
        {error ? <span role="alert">{error}</span> : null}
      </p>
    );
  }
  return (
    <button
      type="button"
      className="inline-flex min-h-10 items-center rounded-md border border-red-300 bg-white px-4 font-medium text-red-700 hover:bg-red-50"
      onClick={async () => {
        if (!window.confirm(t('confirmDelete'))) return;
        const result = await deleteDocumentAction(null, { documentId });
        if (result.ok) setDeleted(true);
        else setError(result.error);
      }}
    >
      {t('delete')}
    </button>
  );
}

interface EditableDocument {
  id: string;
  subject: string;
  date: string;
  ourReference: string;
  yourReference: string;
  visibility: 'everyone' | 'only_me';
  completed: boolean;
  kind: 'email_in' | 'email_out' | 'file';
  canChangeVisibility: boolean;
}

/** "Change links": the document dialog in edit mode, with the current links to remove or add to. */
export function EditDocumentButton({ document, links }: { document: EditableDocument; links: (PickedRecord & { kind: RecordKind })[] }) {
  const t = useTranslations('documents');
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (open && dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [open]);
  const linksOf = (kind: RecordKind) => links.filter((link) => link.kind === kind).map(({ id, label }) => ({ id, label }));
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-4 font-medium text-slate-800 hover:bg-slate-50" data-testid="edit-document">
        {t('changeLinks')}
      </button>
      {open ? (
        <dialog ref={dialog} onClose={() => setOpen(false)} aria-labelledby="edit-document-title" className="m-auto max-h-[calc(100dvh-1rem)] w-[min(42rem,calc(100vw-1rem))] overflow-y-auto rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
          <form
            className="flex flex-col gap-4 p-4 sm:p-5"
            onSubmit={async (event) => {
              event.preventDefault();
              setPending(true);
              const result = await updateDocumentAction(null, new FormData(event.currentTarget));
              setPending(false);
              if (!result.ok) {
                setError(result.error);
                return;
              }
              dialog.current?.close();
              router.refresh();
            }}
          >
            <h2 id="edit-document-title" className="text-lg font-semibold">
              {t('changeLinks')}
            </h2>
            <input type="hidden" name="documentId" value={document.id} />
            <div className="grid gap-3 sm:grid-cols-2">
              <RecordPicker kind="company" name="companyIds" label={t('recordKinds.company')} multiple initial={linksOf('company')} />
              <RecordPicker kind="contact" name="contactIds" label={t('recordKinds.contact')} multiple initial={linksOf('contact')} />
              <RecordPicker kind="project" name="projectIds" label={t('recordKinds.project')} multiple initial={linksOf('project')} />
              <RecordPicker kind="sale" name="saleIds" label={t('recordKinds.sale')} multiple initial={linksOf('sale')} />
            </div>
            <DocumentFields
              values={{ ...document, kind: document.kind === 'file' ? null : document.kind }}
              canChangeVisibility={document.canChangeVisibility}
            />
            {error ? (
              <p role="alert" className="text-sm text-red-700">
                {error}
              </p>
            ) : null}
            <DialogButtons onCancel={() => dialog.current?.close()} pending={pending} submitLabel={t('save')} />
          </form>
        </dialog>
      ) : null}
    </>
  );
}
