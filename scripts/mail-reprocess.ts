// npm run mail:reprocess -- [--account <mail account id>]… [--budget-seconds N]
// After a deploy that changed the HTML sanitizer or the search tokenizer (SANITIZER_VERSION,
// TOKENIZER_VERSION): fetches the messages stored by an older version again from the mail server,
// within the download window, and re-prepares their HTML, text and search words. Resumable: run it
// again after an interruption and it continues where it stopped. The import pass does the same a few
// messages at a time by itself; this does all of it now. Prints a JSON summary.
import { parseArgs } from 'node:util';
import type { Database } from '@/db';
import { runDatabaseCommand } from '@/lib/cli/run';
import { runReprocess } from '@/lib/mail/sync';

const usage = 'Usage: npm run mail:reprocess -- [--account <mail account id>]… [--budget-seconds N]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function reprocessCommand(db: Database): Promise<number> {
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
  const malformed = (values.account ?? []).filter((id) => !UUID.test(id));
  if (malformed.length > 0) {
    console.error(`Not a mail account id: ${malformed.join(', ')}. ${usage}`);
    return 2;
  }
  // Ctrl-C: the batch in flight commits, then the summary is printed.
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const summary = await runReprocess(db, {
    // Without a budget it runs until every older message is done.
    budgetMs: budgetText !== undefined ? Number(budgetText) * 1000 : Number.MAX_SAFE_INTEGER / 2,
    stopSignal: stop.signal,
    ...(values.account ? { accountIds: values.account } : {}),
  });
  console.log(JSON.stringify(summary, null, 2));
  return 0;
}

runDatabaseCommand(reprocessCommand);
