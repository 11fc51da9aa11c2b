import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { UserFacingError } from '@/lib/actions/errors';
import { getCurrentUser } from '@/lib/auth/session';
import { appendDraftAttachmentChunk, readBodyUpTo, UPLOAD_CHUNK_BYTES } from '@/lib/mail/compose';

export const dynamic = 'force-dynamic';

/** The next chunk of a file being attached: X-Offset says where it belongs (a repeat is refused, not doubled). */
export async function PATCH(request: Request, { params }: { params: Promise<{ draftId: string; attachmentId: string }> }) {
  const user = await getCurrentUser();
  const t = (await getTranslations('errors')) as unknown as (key: string, values?: Record<string, string | number>) => string;
  if (!user) return Response.json({ error: t('notSignedIn') }, { status: 401 });
  const offset = Number(request.headers.get('x-offset'));
  if (!Number.isSafeInteger(offset) || offset < 0) return Response.json({ error: t('invalidValue') }, { status: 400 });
  const chunk = await readBodyUpTo(request, UPLOAD_CHUNK_BYTES);
  if (!chunk) return Response.json({ error: t('invalidValue') }, { status: 413 });
  const { draftId, attachmentId } = await params;
  try {
    return Response.json(await appendDraftAttachmentChunk(await getDb(), user.id, draftId, attachmentId, offset, chunk));
  } catch (error) {
    if (error instanceof UserFacingError) return Response.json({ error: t(error.messageKey, error.values) }, { status: 409 });
    throw error;
  }
}
