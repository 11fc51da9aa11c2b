import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { fileResponse, textResponse } from '@/lib/http/file-response';
import { parseUuid } from '@/lib/http/params';
import { loadAttachmentContent, type AttachmentFailureKind } from '@/lib/mail/mailbox';

export const dynamic = 'force-dynamic';

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
    return textResponse((await getTranslations('attachments'))(attachment.kind), FAILURE_STATUS[attachment.kind]);
  }
  return fileResponse(attachment, { fallbackName: 'attachment' });
}
