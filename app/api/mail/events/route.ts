import { getTranslations } from 'next-intl/server';
import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { mailboxEvents } from '@/lib/mail/mailbox';

export const dynamic = 'force-dynamic';

/** Server-sent events telling the open Inbox that the signed-in user's own mailbox changed. */
export async function GET(request: Request) {
  const user = await getCurrentUser();
  if (!user) {
    const t = (await getTranslations('errors')) as unknown as (key: string) => string;
    return Response.json({ error: t('notSignedIn') }, { status: 401 });
  }
  return new Response(mailboxEvents(await getDb(), user.id, request.signal), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no' },
  });
}
