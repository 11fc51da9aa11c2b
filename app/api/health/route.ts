import { getDatabaseHandle } from '@/db';
import { errorText, log } from '@/lib/log';

export const dynamic = 'force-dynamic';

/** For load balancers and container health checks: 200 when the database answers, 503 otherwise. */
export async function GET() {
  try {
    const handle = await getDatabaseHandle();
    await handle.ping();
    return Response.json({ status: 'ok', db: 'ok' });
  } catch (error) {
    log('error', 'health check: database unreachable', { error: errorText(error) });
    return Response.json({ status: 'error', db: 'unreachable' }, { status: 503 });
  }
}
