'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { sanitizeForEditor } from '@/lib/mail/compose/client';

interface RichTextEditorProps {
  /** The draft's HTML; sanitized again here (DOMPurify) before it becomes editable. */
  initialHtml: string;
  onChange: (html: string) => void;
  label: string;
  editorRef: React.RefObject<HTMLDivElement | null>;
}

const COMMANDS = [
  { command: 'bold', label: 'bold', icon: 'B', className: 'font-bold' },
  { command: 'italic', label: 'italic', icon: 'I', className: 'italic' },
  { command: 'underline', label: 'underline', icon: 'U', className: 'underline' },
  { command: 'insertUnorderedList', label: 'bulletList', icon: '•', className: '' },
  { command: 'insertOrderedList', label: 'numberedList', icon: '1.', className: '' },
  { command: 'removeFormat', label: 'clearFormatting', icon: 'T̸', className: '' },
] as const;

/** Formatted text: a contenteditable area with a small toolbar, as in web mail. */
export function RichTextEditor({ initialHtml, onChange, label, editorRef }: RichTextEditorProps) {
  const t = useTranslations('compose.format');
  const loaded = useRef(false);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || loaded.current) return;
    loaded.current = true;
    editor.innerHTML = sanitizeForEditor(initialHtml);
  }, [initialHtml, editorRef]);

  const run = (command: string, value?: string) => {
    editorRef.current?.focus();
    document.execCommand(command, false, value);
    if (editorRef.current) onChange(editorRef.current.innerHTML);
  };

  return (
    <div className="flex flex-col rounded-md border border-slate-200 focus-within:border-indigo-500">
      <div role="toolbar" aria-label={t('toolbar')} className="flex flex-wrap gap-1 border-b border-slate-200 p-1">
        {COMMANDS.map((entry) => (
          <button
            key={entry.command}
            type="button"
            title={t(entry.label)}
            aria-label={t(entry.label)}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => run(entry.command)}
            className={`h-8 min-w-8 rounded px-2 text-sm hover:bg-slate-100 ${entry.className}`}
          >
            {entry.icon}
          </button>
        ))}
        <button
          type="button"
          title={t('link')}
          aria-label={t('link')}
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => {
            const url = window.prompt(t('linkPrompt'), 'https://');
            if (url && /^(https?:|mailto:)/i.test(url.trim())) run('createLink', url.trim());
          }}
          className="h-8 min-w-8 rounded px-2 text-sm text-indigo-700 underline hover:bg-slate-100"
        >
          {t('linkIcon')}
        </button>
      </div>
      <div
        ref={editorRef}
        role="textbox"
        aria-multiline="true"
        aria-label={label}
        contentEditable
        suppressContentEditableWarning
        data-testid="compose-body"
        onInput={(event) => onChange(event.currentTarget.innerHTML)}
        className="prose-mail min-h-64 overflow-auto break-words p-3 text-base outline-none [&_blockquote]:border-l [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_blockquote]:text-slate-700 [&_ol]:list-decimal [&_ol]:pl-6 [&_ul]:list-disc [&_ul]:pl-6 [&_a]:text-indigo-700 [&_a]:underline"
      />
    </div>
  );
}
