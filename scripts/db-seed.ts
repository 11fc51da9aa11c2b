// npm run db:seed [-- --force] [-- --as admin@example.com]
// Fills a demo CRM (20 companies, 60 contacts, 5 projects, 12 sales in every stage) in the app's
// database: the embedded one, or DATABASE_URL's. Refuses when the database already has CRM records,
// unless --force. The records are created by the first active administrator (or --as), and owned in
// turn by the active users. With the embedded database, stop the app first.
import { parseArgs } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '@/db';
import { users } from '@/db/schema';
import { runDatabaseCommand } from '@/lib/cli/run';
import { countCrmRecords, seedDemoCrm } from '@/lib/crm/seed';

async function seedCommand(db: Database): Promise<number> {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false }, as: { type: 'string' } } });
  const existing = await countCrmRecords(db);
  if (existing > 0 && !values.force) {
    console.error(`Not seeded: the database already has ${existing} CRM records. Run with --force to add the demo records anyway.`);
    return 1;
  }
  const [actor] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.isActive, true), values.as ? eq(users.email, values.as.trim().toLowerCase()) : eq(users.role, 'admin')))
    .orderBy(asc(users.createdAt))
    .limit(1);
  if (!actor) {
    console.error(
      values.as
        ? `Not seeded: no active user ${values.as}.`
        : 'Not seeded: there is no administrator yet. Open the app to create one, or run npm run user:create -- --admin first.',
    );
    return 1;
  }
  const started = Date.now();
  const summary = await seedDemoCrm(db, actor);
  console.log(
    `Seeded ${summary.companies} companies, ${summary.contacts} contacts, ${summary.projects} projects and ${summary.sales} sales as ${actor.email} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

runDatabaseCommand(seedCommand);
