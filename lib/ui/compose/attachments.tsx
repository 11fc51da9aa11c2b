'use client';

import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import { removeAttachmentAction } from '@/lib/mail/compose/actions';

export interface DraftFile {
  id: string;
  filename: string;
  size: number;
}

interface AttachmentsProps {
  files: DraftFile[];
  maxMb: number;
  /** Saves the draft first when it has no id yet. */
  ensureDraft: () => Promise<string | null>;
  onAdded: (file: DraftFile) => void;
  onRemove: (id: string) => void;
  /** True while files are being uploaded: the message cannot be sent half-attached. */
  onBusy: (busy: boolean) => void;
}

/** Matches the server's UPLOAD_CHUNK_BYTES: no request is larger than proxies and platforms take. */
const CHUNK_BYTES = 4 * 1024 * 1024;

type UploadResult = { ok: true; id: string; filename: string } | { ok: false; error?: string };

/** Sends a file in chunks: the first starts it, the others are appended at their offset. */
async function upload(draftId: string, file: File): Promise<UploadResult> {
  const send = async (url: string, method: string, headers: Record<string, string>, body: Blob) => {
    const response = await fetch(url, { method, headers: { 'Content-Type': file.type || 'application/octet-stream', ...headers }, body });
    const json = (await response.json().catch(() => null)) as { id?: string; filename?: string; received?: number; error?: string } | null;
    return { ok: response.ok, json };
  };
  const first = await send(`/api/mail/drafts/${draftId}/attachments`, 'POST', { 'X-Filename': encodeURIComponent(file.name), 'X-Total-Size': String(file.size) }, file.slice(0, CHUNK_BYTES));
  if (!first.ok || !first.json?.id) return { ok: false, error: first.json?.error };
  const id = first.json.id;
  for (let offset = Math.min(CHUNK_BYTES, file.size); offset < file.size; offset += CHUNK_BYTES) {
    const next = await send(`/api/mail/drafts/${draftId}/attachments/${id}`, 'PATCH', { 'X-Offset': String(offset) }, file.slice(offset, offset + CHUNK_BYTES));
    if (!next.ok) {
      await removeAttachmentAction(null, { draftId, attachmentId: id });
      return { ok: false, error: next.json?.error };
    }
  }
  return { ok: true, id, filename: first.json.filename ?? file.name };
}

const kb = (bytes: number) => Math.max(1, Math.round(bytes / 1024));

export function Attachments({ files, maxMb, ensureDraft, onAdded, onRemove, onBusy }: AttachmentsProps) {
  const t = useTranslations('compose.attachments');
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState<string[]>([]);

  const add = async (chosen: FileList | null) => {
    if (!chosen || chosen.length === 0) return;
    setError(null);
    const limit = maxMb * 1024 * 1024;
    let total = files.reduce((sum, file) => sum + file.size, 0);
    const draftId = await ensureDraft();
    if (!draftId) return;
    onBusy(true);
    try {
      for (const file of Array.from(chosen)) {
        total += file.size;
        if (total > limit) {
          setError(t('tooLarge', { file: file.name, limit: maxMb }));
          total -= file.size;
          continue;
        }
        setUploading((names) => [...names, file.name]);
        try {
          const uploaded = await upload(draftId, file);
          if (!uploaded.ok) {
            setError(uploaded.error ?? t('failed', { file: file.name }));
            total -= file.size;
          } else {
            onAdded({ id: uploaded.id, filename: uploaded.filename, size: file.size });
          }
        } finally {
          setUploading((names) => names.filter((name) => name !== file.name));
        }
      }
    } finally {
      onBusy(false);
    }
    if (input.current) input.current.value = '';
  };

  return (
    <div className="flex flex-col gap-2">
      {files.length + uploading.length > 0 ? (
        <ul aria-label={t('list')} className="flex flex-wrap gap-2">
          {files.map((file) => (
            <li key={file.id} className="flex max-w-full items-center gap-2 rounded-md border border-slate-200 bg-slate-50 px-2 py-1 text-sm">
              <span className="truncate">{file.filename}</span>
              <span className="shrink-0 text-slate-500">({kb(file.size)} KB)</span>
              <button type="button" onClick={() => onRemove(file.id)} aria-label={t('remove', { file: file.filename })} className="shrink-0 rounded px-1 text-slate-600 hover:bg-slate-200">
                ✕
              </button>
            </li>
          ))}
          {uploading.map((name) => (
            <li key={`uploading-${name}`} className="rounded-md border border-dashed border-slate-300 px-2 py-1 text-sm text-slate-600">
              {t('uploading', { file: name })}
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <label className="sr-only" htmlFor="compose-attach">
        {t('add')}
      </label>
      <input id="compose-attach" ref={input} type="file" multiple className="sr-only" onChange={(event) => void add(event.target.files)} />
      <div>
        <button type="button" onClick={() => input.current?.click()} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
          + {t('add')}
        </button>
        <span className="ml-2 text-xs text-slate-500">{t('limit', { limit: maxMb })}</span>
      </div>
    </div>
  );
}
