'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  discardDraftAction,
  draftStatusAction,
  removeAttachmentAction,
  resendUnknownAction,
  saveDraftAction,
  sendDraftAction,
  suggestRecipientsAction,
  undoSendAction,
} from '@/lib/mail/compose/actions';
import { parseAddressList, type ArchiveOnSendRequest } from '@/lib/mail/compose/client';
import { ArchiveOnSend, archiveRequestFrom } from '@/lib/ui/documents/archive-on-send';
import { Attachments, type DraftFile } from './attachments';
import { RecipientField, type SuggestAction } from './recipient-field';
import { RichTextEditor } from './rich-text';

export interface ComposerDraft {
  id: string | null;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  html: string;
  attachments: DraftFile[];
  state: 'draft' | 'scheduled' | 'sending' | 'sent' | 'failed' | 'unknown';
  /** The server's error of the last attempt, in the user's language. */
  error: string | null;
  /** The message replied to or forwarded: its archive links are proposed for this one. */
  sourceMessageId: string | null;
  archiveOnSend: ArchiveOnSendRequest | null;
}

interface ComposeEditorProps {
  draft: ComposerDraft;
  from: string;
  maxAttachmentMb: number;
}

type Phase = { kind: 'editing' } | { kind: 'scheduled'; sendAfter: number } | { kind: 'sending' } | { kind: 'sent' } | { kind: 'unknown' };
type FieldErrors = Partial<Record<'to' | 'cc' | 'bcc', string>>;

const AUTOSAVE_MS = 1500;

export function ComposeEditor({ draft, from, maxAttachmentMb }: ComposeEditorProps) {
  const t = useTranslations('compose');
  const router = useRouter();
  const [draftId, setDraftId] = useState(draft.id);
  const [fields, setFields] = useState({ to: draft.to, cc: draft.cc, bcc: draft.bcc, subject: draft.subject });
  const [showCc, setShowCc] = useState(draft.cc !== '');
  const [showBcc, setShowBcc] = useState(draft.bcc !== '');
  const [files, setFiles] = useState(draft.attachments);
  const [phase, setPhase] = useState<Phase>(draft.state === 'unknown' ? { kind: 'unknown' } : draft.state === 'sent' ? { kind: 'sent' } : { kind: 'editing' });
  const [error, setError] = useState<string | null>(draft.error);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [uploading, setUploading] = useState(false);
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [now, setNow] = useState(() => Date.now());
  const editorRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const dirty = useRef(false);
  const saving = useRef<Promise<string | null> | null>(null);
  const idRef = useRef(draft.id);

  const content = useCallback(
    () => ({ ...fields, html: editorRef.current?.innerHTML ?? draft.html, ...(idRef.current ? { draftId: idRef.current } : {}) }),
    [fields, draft.html],
  );

  const save = useCallback(async (): Promise<string | null> => {
    if (saving.current) await saving.current;
    dirty.current = false;
    setSaveState('saving');
    const running = saveDraftAction(null, content()).then((result) => {
      if (!result.ok) {
        setError(result.error);
        setSaveState('idle');
        return idRef.current;
      }
      setSaveState('saved');
      if (!idRef.current) {
        idRef.current = result.data.draftId;
        setDraftId(result.data.draftId);
        window.history.replaceState(null, '', `/inbox/compose/${result.data.draftId}`);
      }
      return result.data.draftId;
    });
    saving.current = running;
    try {
      return await running;
    } finally {
      saving.current = null;
    }
  }, [content]);

  const changed = () => {
    dirty.current = true;
    setSaveState('idle');
  };

  // Autosave, debounced; also when the page is hidden (tab switched, phone locked).
  useEffect(() => {
    if (phase.kind !== 'editing') return;
    const timer = setInterval(() => {
      if (dirty.current) void save();
    }, AUTOSAVE_MS);
    const onHide = () => {
      if (document.visibilityState === 'hidden' && dirty.current) void save();
    };
    document.addEventListener('visibilitychange', onHide);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, [phase.kind, save]);

  // After Send: count down the undo window, then follow the outbox until the message left or failed.
  useEffect(() => {
    if (phase.kind !== 'scheduled' && phase.kind !== 'sending') return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (phase.kind === 'scheduled' && Date.now() < phase.sendAfter) return;
      if (!idRef.current) return;
      void draftStatusAction(null, { draftId: idRef.current }).then((result) => {
        if (!result.ok) return;
        const { state, error: serverError } = result.data;
        if (state === 'sent') setPhase({ kind: 'sent' });
        else if (state === 'failed' || state === 'draft') {
          setError(serverError);
          setPhase({ kind: 'editing' });
        } else if (state === 'unknown') {
          setError(serverError);
          setPhase({ kind: 'unknown' });
        } else if (state === 'sending') setPhase({ kind: 'sending' });
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [phase]);

  const send = async () => {
    const problems: FieldErrors = {};
    for (const field of ['to', 'cc', 'bcc'] as const) {
      const invalid = parseAddressList(fields[field]).invalid;
      if (invalid.length > 0) problems[field] = t('unrecognised', { entries: invalid.join(', '), count: invalid.length });
    }
    const total = (['to', 'cc', 'bcc'] as const).reduce((sum, field) => sum + parseAddressList(fields[field]).addresses.length, 0);
    if (total === 0) problems.to = t('recipientRequired');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setError(null);
    if (saving.current) await saving.current;
    setPhase({ kind: 'sending' });
    const result = await sendDraftAction(null, { ...content(), archive: formRef.current ? archiveRequestFrom(formRef.current) : null });
    if (!result.ok) {
      setError(result.error);
      setFieldErrors({ to: result.fieldErrors?.to?.[0], cc: result.fieldErrors?.cc?.[0], bcc: result.fieldErrors?.bcc?.[0] });
      setPhase({ kind: 'editing' });
      return;
    }
    dirty.current = false;
    idRef.current = result.data.draftId;
    setDraftId(result.data.draftId);
    setPhase({ kind: 'scheduled', sendAfter: Date.parse(result.data.sendAfter) });
  };

  const undo = async () => {
    if (!idRef.current) return;
    const result = await undoSendAction(null, { draftId: idRef.current });
    if (result.ok) setPhase({ kind: 'editing' });
    else setError(result.error);
  };

  const discard = async () => {
    if (idRef.current) await discardDraftAction(null, { draftId: idRef.current });
    router.push('/inbox');
  };

  const close = async () => {
    if (dirty.current) await save();
    router.push('/inbox');
  };

  if (phase.kind === 'sent') {
    return (
      <section role="status" className="flex flex-col gap-3 rounded-md border border-green-200 bg-green-50 p-4 text-green-900">
        <h2 className="font-medium">{t('sent.title')}</h2>
        <p className="text-sm">{t('sentToSent')}</p>
        <div className="flex flex-wrap gap-3">
          <Link href="/inbox/compose" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700">
            {t('sent.writeAnother')}
          </Link>
          <Link href="/inbox" className="rounded-md border border-slate-300 px-4 py-2 font-medium text-slate-900 hover:bg-slate-100">
            {t('sent.toInbox')}
          </Link>
        </div>
      </section>
    );
  }

  const locked = phase.kind !== 'editing';
  const seconds = phase.kind === 'scheduled' ? Math.max(0, Math.ceil((phase.sendAfter - now) / 1000)) : 0;
  const setField = (name: keyof typeof fields, value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    changed();
  };
  const suggest = suggestRecipientsAction as unknown as SuggestAction;

  return (
    <form
      ref={formRef}
      className="flex flex-col gap-3"
      noValidate
      data-testid="composer"
      data-draft-id={draftId ?? ''}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <fieldset disabled={locked} className="flex min-w-0 flex-col gap-3">
        <p className="break-words text-sm text-slate-600">
          <span className="font-medium text-slate-700">{t('from')}</span> {from}
        </p>
        <div className="flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <RecipientField name="to" label={t('to')} value={fields.to} onChange={(value) => setField('to', value)} suggest={suggest} error={fieldErrors.to} autoFocus={fields.to === ''} />
          </div>
          <div className="flex shrink-0 gap-1 pt-1">
            {!showCc ? (
              <button type="button" onClick={() => setShowCc(true)} className="rounded px-2 py-1 text-sm text-indigo-700 hover:bg-slate-100" aria-label={t('addCc')}>
                {t('cc')}
              </button>
            ) : null}
            {!showBcc ? (
              <button type="button" onClick={() => setShowBcc(true)} className="rounded px-2 py-1 text-sm text-indigo-700 hover:bg-slate-100" aria-label={t('addBcc')}>
                {t('bcc')}
              </button>
            ) : null}
          </div>
        </div>
        {showCc ? <RecipientField name="cc" label={t('cc')} value={fields.cc} onChange={(value) => setField('cc', value)} suggest={suggest} error={fieldErrors.cc} autoFocus={fields.cc === ''} /> : null}
        {showBcc ? <RecipientField name="bcc" label={t('bcc')} value={fields.bcc} onChange={(value) => setField('bcc', value)} suggest={suggest} error={fieldErrors.bcc} autoFocus={fields.bcc === ''} /> : null}
        <div className="flex items-center gap-2 border-b border-slate-200 focus-within:border-indigo-500">
          <label htmlFor="field-subject" className="sr-only">
            {t('subject')}
          </label>
          <input
            id="field-subject"
            name="subject"
            type="text"
            placeholder={t('subject')}
            value={fields.subject}
            onChange={(event) => setField('subject', event.target.value)}
            className="min-w-0 flex-1 bg-transparent py-2 text-base outline-none"
          />
        </div>
        <RichTextEditor initialHtml={draft.html} onChange={changed} label={t('body')} editorRef={editorRef} />
        <Attachments
          files={files}
          maxMb={maxAttachmentMb}
          ensureDraft={async () => idRef.current ?? (await save())}
          onAdded={(file) => setFiles((current) => [...current, file])}
          onBusy={setUploading}
          onRemove={(id) => {
            if (!idRef.current) return;
            setFiles((current) => current.filter((file) => file.id !== id));
            void removeAttachmentAction(null, { draftId: idRef.current, attachmentId: id });
          }}
        />
        <ArchiveOnSend
          recipients={(['to', 'cc'] as const).flatMap((field) => parseAddressList(fields[field]).addresses.map((entry) => entry.address))}
          sourceMessageId={draft.sourceMessageId}
          initial={draft.archiveOnSend}
        />
      </fieldset>
      {error ? (
        <p role="alert" className="break-words rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {phase.kind === 'editing' ? `${t('notSent')} ` : ''}
          {error}
        </p>
      ) : null}
      {phase.kind === 'unknown' ? (
        <div role="alert" className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p>{t('unknownOutcome')}</p>
          <div>
            <button
              type="button"
              onClick={() =>
                void (idRef.current ? resendUnknownAction(null, { draftId: idRef.current }) : Promise.resolve(null)).then((result) => {
                  if (result?.ok) setPhase(result.data.outcome === 'found-in-sent' ? { kind: 'sent' } : { kind: 'sending' });
                  else if (result) setError(result.error);
                })
              }
              className="rounded-md border border-amber-400 px-3 py-1.5 font-medium hover:bg-amber-100"
            >
              {t('checkAndSend')}
            </button>
          </div>
        </div>
      ) : null}
      {phase.kind === 'scheduled' || phase.kind === 'sending' ? (
        <div role="status" className="flex flex-wrap items-center gap-3 rounded-md bg-slate-800 px-3 py-2 text-sm text-white">
          <span>{phase.kind === 'scheduled' && seconds > 0 ? t('sendingIn', { seconds }) : t('sending')}</span>
          {phase.kind === 'scheduled' && seconds > 0 ? (
            <button type="button" onClick={() => void undo()} className="rounded px-2 py-1 font-medium text-indigo-200 underline hover:bg-slate-700">
              {t('undo')}
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={locked || uploading} className="rounded-md bg-indigo-600 px-5 py-2 font-medium text-white shadow-sm hover:bg-indigo-700 disabled:opacity-60">
          {t('send')}
        </button>
        <button type="button" onClick={() => void close()} disabled={locked} className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 disabled:opacity-60">
          {t('close')}
        </button>
        <button type="button" onClick={() => void discard()} disabled={locked} className="rounded-md px-3 py-2 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60">
          {t('discard')}
        </button>
        <span className="ml-auto text-xs text-slate-500" aria-live="polite">
          {saveState === 'saving' ? t('savingDraft') : saveState === 'saved' ? t('draftSaved') : ''}
        </span>
      </div>
    </form>
  );
}
