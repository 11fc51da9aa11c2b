import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { getAttachmentForUser } from '@/lib/mail/mailbox';

export const dynamic = 'force-dynamic';

/** Types a browser would render (and run) in our origin are always served as downloads. */
const INLINE_SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']);

/** Downloads an attachment of one of the signed-in user's own messages. */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return new Response('Sign in to download attachments.', { status: 401 });
  const attachment = await getAttachmentForUser(await getDb(), user.id, (await params).attachmentId);
  if (!attachment?.content) return new Response('Not found.', { status: 404 });
  const contentType = attachment.contentType.toLowerCase();
  const inline = INLINE_SAFE_TYPES.has(contentType);
  const filename = (attachment.filename ?? 'attachment').replace(/[\r\n"]/g, '_');
  return new Response(Buffer.from(attachment.content), {
    headers: {
      'Content-Type': inline ? contentType : 'application/octet-stream',
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    },
  });
}
