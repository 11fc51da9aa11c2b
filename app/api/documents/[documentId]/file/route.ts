import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { getDocumentFile } from '@/lib/crm/documents';
import { fileResponse, textResponse } from '@/lib/http/file-response';
import { parseUuid } from '@/lib/http/params';

export const dynamic = 'force-dynamic';

/**
 * A document's file: the archived message's original `.eml`, byte for byte, or the archived
 * attachment. 404 for a document the user may not see, exactly as for one that does not exist.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ documentId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return textResponse('Sign in to download documents.', 401);
  const documentId = parseUuid((await params).documentId);
  const file = documentId ? await getDocumentFile(await getDb(), user, documentId) : undefined;
  if (!file) return textResponse('Not found.', 404);
  return fileResponse(file, { fallbackName: 'document', download: file.contentType === 'message/rfc822' });
}
