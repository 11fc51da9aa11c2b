import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { getDocumentAttachment } from '@/lib/crm/documents';
import { fileResponse, textResponse } from '@/lib/http/file-response';
import { parseUuid } from '@/lib/http/params';

export const dynamic = 'force-dynamic';

/** An attachment (or inline image) of an archived message, read from the document's stored original. */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return textResponse('Sign in to download documents.', 401);
  const attachmentId = parseUuid((await params).attachmentId);
  const attachment = attachmentId ? await getDocumentAttachment(await getDb(), user, attachmentId) : undefined;
  if (!attachment) return textResponse('Not found.', 404);
  return fileResponse(attachment, { fallbackName: 'attachment' });
}
