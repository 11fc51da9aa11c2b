// npm run mail:import -- [--account <mail account id>]… [--budget-seconds N]
// One import pass from the shell (the same as a call to /api/cron/import): imports the accounts that
// are due, or only the given ones, and prints the summary as JSON. Exits 1 only when the pass itself
// could not run (database unreachable, bad configuration); per-account failures are in the summary.
import { parseArgs } from 'node:util';
import type { Database } from '@/db';
import { runDatabaseCommand } from '@/lib/cli/run';
import { env } from '@/lib/env';
import { runImportPass } from '@/lib/mail/sync';

const usage = 'Usage: npm run mail:import -- [--account <mail account id>]… [--budget-seconds N]';

async function importCommand(db: Database): Promise<number> {
  const { values } = parseArgs({
    options: {
      account: { type: 'string', multiple: true },
      'budget-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const budgetText = values['budget-seconds'];
  if (budgetText !== undefined && !/^[1-9]\d*$/.test(budgetText)) {
    console.error(`--budget-seconds takes a whole number of seconds. ${usage}`);
    return 2;
  }
  const malformed = (values.account ?? []).filter((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (malformed.length > 0) {
    console.error(`Not a mail account id: ${malformed.join(', ')}. ${usage}`);
    return 2;
  }
  const budgetSeconds = budgetText !== undefined ? Number(budgetText) : env().importTimeBudgetSeconds;
  const summary = await runImportPass(db, {
    budgetMs: budgetSeconds * 1000,
    ...(values.account ? { accountIds: values.account } : {}),
  });
  console.log(JSON.stringify(summary, null, 2));
  return 0;
}

runDatabaseCommand(importCommand);
