import { getDatabaseHandle } from '@/db';

export const dynamic = 'force-dynamic';

/** For load balancers and container health checks: 200 when the database answers, 503 otherwise. */
export async function GET() {
  try {
    const handle = await getDatabaseHandle();
    await handle.ping();
    return Response.json({ status: 'ok', db: 'ok' });
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', msg: 'health check: database unreachable', error: error instanceof Error ? error.message : String(error) }));
    return Response.json({ status: 'error', db: 'unreachable' }, { status: 503 });
  }
}
