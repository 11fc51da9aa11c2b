import { getDb } from '@/db';
import { getCurrentUser } from '@/lib/auth/session';
import { exportContactsCsv } from '@/lib/crm/csv';

/** Every contact as a CSV file (UTF-8 with BOM, so Excel shows å, ä and ö). */
export async function GET() {
  const user = await getCurrentUser();
  if (!user) return new Response('Not signed in', { status: 401 });
  const csv = await exportContactsCsv(await getDb(), user);
  const date = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="contacts-${date}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
