import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { UserFacingError } from '@/lib/actions/errors';
import { getCurrentUser } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { addDraftAttachment, maxAttachmentBytes, readBodyUpTo, UPLOAD_CHUNK_BYTES } from '@/lib/mail/compose';

export const dynamic = 'force-dynamic';

/**
 * Starts a file of one of the signed-in user's drafts: X-Filename (URI-encoded) and X-Total-Size in
 * headers, the first chunk (at most 4 MB) as the body; the rest follows by PATCH …/[attachmentId].
 * A custom header cannot be sent cross-site without a CORS preflight, which this route never
 * grants, so another site cannot attach files to a user's draft.
 */
export async function POST(request: Request, { params }: { params: Promise<{ draftId: string }> }) {
  const user = await getCurrentUser();
  const t = (await getTranslations('errors')) as unknown as (key: string, values?: Record<string, string | number>) => string;
  if (!user) return Response.json({ error: t('notSignedIn') }, { status: 401 });
  const rawName = request.headers.get('x-filename');
  const size = Number(request.headers.get('x-total-size'));
  if (rawName === null || !Number.isSafeInteger(size) || size < 0) return Response.json({ error: t('invalidValue') }, { status: 400 });
  if (size > maxAttachmentBytes()) return Response.json({ error: t('compose.attachmentsTooLarge', { limit: env().mailMaxAttachmentMb }) }, { status: 413 });
  const firstChunk = await readBodyUpTo(request, UPLOAD_CHUNK_BYTES);
  if (!firstChunk) return Response.json({ error: t('invalidValue') }, { status: 413 });
  let filename: string;
  try {
    filename = decodeURIComponent(rawName).replace(/[\r\n\\/]/g, '_');
  } catch {
    filename = 'attachment';
  }
  const contentType = (request.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  try {
    return Response.json(await addDraftAttachment(await getDb(), user.id, (await params).draftId, { filename, contentType, size, firstChunk }));
  } catch (error) {
    if (error instanceof UserFacingError) return Response.json({ error: t(error.messageKey, error.values) }, { status: error.messageKey === 'compose.attachmentsTooLarge' ? 413 : 409 });
    throw error;
  }
}
