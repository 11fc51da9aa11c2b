import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { UserFacingError } from '@/lib/actions/errors';
import { getCurrentUser } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { addDraftAttachment, maxAttachmentBytes } from '@/lib/mail/compose';

export const dynamic = 'force-dynamic';

/**
 * Adds a file to one of the signed-in user's drafts: the raw bytes as the body, the name in
 * X-Filename (URI-encoded). A custom header cannot be sent cross-site without a CORS preflight,
 * which this route never grants, so another site cannot attach files to a user's draft.
 */
export async function POST(request: Request, { params }: { params: Promise<{ draftId: string }> }) {
  const user = await getCurrentUser();
  const t = (await getTranslations('errors')) as unknown as (key: string, values?: Record<string, string | number>) => string;
  if (!user) return Response.json({ error: t('notSignedIn') }, { status: 401 });
  const rawName = request.headers.get('x-filename');
  if (rawName === null) return Response.json({ error: t('invalidValue') }, { status: 400 });
  const tooLarge = () => Response.json({ error: t('compose.attachmentsTooLarge', { limit: env().mailMaxAttachmentMb }) }, { status: 413 });
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxAttachmentBytes()) return tooLarge();

  // Read up to the limit and no further, whatever Content-Length claimed.
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxAttachmentBytes()) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  let filename: string;
  try {
    filename = decodeURIComponent(rawName).replace(/[\r\n\\/]/g, '_');
  } catch {
    filename = 'attachment';
  }
  const contentType = (request.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
  try {
    const added = await addDraftAttachment(await getDb(), user.id, (await params).draftId, { filename, contentType, content: Buffer.concat(chunks) });
    return Response.json(added);
  } catch (error) {
    if (error instanceof UserFacingError) return Response.json({ error: t(error.messageKey, error.values) }, { status: error.messageKey === 'compose.attachmentsTooLarge' ? 413 : 404 });
    throw error;
  }
}
