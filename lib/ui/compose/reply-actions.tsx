'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { startReplyAction } from '@/lib/mail/compose/actions';

/** Reply, Reply all and Forward under a message: each makes a draft quoting it and opens it. */
export function ReplyActions({ messageId }: { messageId: string }) {
  const t = useTranslations('compose.replyActions');
  const [result, action, pending] = useActionState(startReplyAction, null);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="messageId" value={messageId} />
      <div className="flex flex-wrap gap-2">
        {(['reply', 'reply_all', 'forward'] as const).map((kind) => (
          <button
            key={kind}
            type="submit"
            name="kind"
            value={kind}
            disabled={pending}
            data-reply-kind={kind}
            className="min-h-10 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium hover:bg-slate-100 disabled:opacity-60"
          >
            {t(kind)}
          </button>
        ))}
      </div>
      {result && !result.ok ? (
        <p role="alert" className="text-sm text-red-700">
          {result.error}
        </p>
      ) : null}
    </form>
  );
}
