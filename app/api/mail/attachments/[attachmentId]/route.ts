import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { parseUuid } from '@/lib/http/params';
import { loadAttachmentContent, type AttachmentFailureKind } from '@/lib/mail/attachment-content';

export const dynamic = 'force-dynamic';

/** Types a browser would render (and run) in our origin are always served as downloads. */
const INLINE_SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']);

/**
 * 409 for a refused password rather than 502: the server answered correctly, our saved login is what
 * is out of date, and only the user reconnecting the mailbox resolves it.
 */
const FAILURE_STATUS: Record<AttachmentFailureKind, number> = { not_found: 404, gone: 404, auth: 409, server: 502 };

/** Downloads an attachment of one of the signed-in user's own messages. */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return new Response('Sign in to download attachments.', { status: 401 });
  const attachmentId = parseUuid((await params).attachmentId);
  const attachment = attachmentId ? await loadAttachmentContent(await getDb(), user.id, attachmentId) : ({ ok: false, kind: 'not_found' } as const);
  if (!attachment.ok) {
    return new Response((await getTranslations('attachments'))(attachment.kind), {
      status: FAILURE_STATUS[attachment.kind],
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' },
    });
  }
  const contentType = attachment.contentType.toLowerCase();
  const inline = INLINE_SAFE_TYPES.has(contentType);
  const filename = (attachment.filename ?? 'attachment').replace(/[\r\n"]/g, '_');
  return new Response(attachment.content, {
    headers: {
      'Content-Type': inline ? contentType : 'application/octet-stream',
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    },
  });
}
