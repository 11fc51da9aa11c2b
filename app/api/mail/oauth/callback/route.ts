import { after, type NextRequest } from 'next/server';
import { getDb } from '@/db';
import { currentSessionId, getCurrentUser } from '@/lib/auth/session';
import { completeOAuthSignIn, getMailAccount, oauthRedirectUri } from '@/lib/mail/account';
import { importAccountNow } from '@/lib/mail/sync';

export const dynamic = 'force-dynamic';

const redirectTo = (location: string) => new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });

/**
 * Where Microsoft's and Google's sign-in send the browser back. The state must belong to this very
 * session (checked in completeOAuthSignIn); IMAP and SMTP are verified before the account is saved,
 * then it is imported after the response, as after a password connect.
 */
export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  const sessionId = await currentSessionId();
  if (!user || !sessionId) return redirectTo('/sign-in');
  const db = await getDb();
  const result = await completeOAuthSignIn(db, {
    userId: user.id,
    sessionId,
    callbackUrl: new URL(request.url),
    redirectUri: oauthRedirectUri(request.headers, request.nextUrl.protocol),
  });
  if (!result.connected) return redirectTo(`/settings/email?signIn=${encodeURIComponent(result.problem)}`);
  after(async () => {
    const account = await getMailAccount(db, user.id);
    if (account) await importAccountNow(db, account.id);
  });
  return redirectTo('/inbox');
}
