import { getDb } from '@/db';
import { purgeDeletedDocuments } from '@/lib/crm/documents';
import { env } from '@/lib/env';
import { errorText, log } from '@/lib/log';
import { runDueSends } from '@/lib/mail/compose';
import { checkCronAuthorization, runImportPass } from '@/lib/mail/sync';

export const dynamic = 'force-dynamic';
// The pass stops starting new work after IMPORT_TIME_BUDGET_SECONDS (default 50), inside this limit.
export const maxDuration = 60;

/**
 * Due sends, then one import pass over the accounts that are due, for a scheduler (Vercel Cron sends GET, others
 * POST) with `Authorization: Bearer $CRON_SECRET`. Answers with the pass's summary.
 */
async function handle(request: Request): Promise<Response> {
  const settings = env();
  const authorization = checkCronAuthorization(request.headers.get('authorization'), settings.cronSecret, settings.isProduction);
  if (!authorization.ok) {
    return Response.json(
      { error: authorization.error },
      { status: authorization.status, headers: authorization.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {} },
    );
  }
  try {
    const db = await getDb();
    // Scheduled sends first (a message whose undo time ran out must not wait for the import); on
    // Vercel nothing else runs them when the response that scheduled them has gone.
    const sends = await runDueSends(db);
    const summary = await runImportPass(db, { budgetMs: settings.importTimeBudgetSeconds * 1000 });
    const purgedDocuments = await purgeDeletedDocuments(db);
    return Response.json({ ...summary, sends, purgedDocuments });
  } catch (error) {
    log('error', 'import pass failed', { error: errorText(error) });
    return Response.json({ error: 'The import pass failed; see the server log.' }, { status: 500 });
  }
}

export async function GET(request: Request): Promise<Response> {
  return handle(request);
}

export async function POST(request: Request): Promise<Response> {
  return handle(request);
}
