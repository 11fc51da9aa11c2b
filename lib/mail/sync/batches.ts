import type { FetchedMessage } from '@/lib/mail/transport';
import { outOfTime } from './context';
import { commit, type FolderCursor, type FolderRun } from './folder-run';
import { prepareBatch, type PreparedContent } from './prepare';
import type { PreparedMessage } from './store';

/** Bounds the memory a batch takes (sources plus parsed bodies): a few large messages make a batch of their own. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Fetches, parses and commits `uids` in batches, moving the cursor with each commit. The FETCH of a
 * batch completes before anything else happens; parsing runs on the collected sources.
 */
export async function importInBatches(
  run: FolderRun,
  uids: readonly number[],
  sizes: ReadonlyMap<number, number>,
  cursorAfter: (batch: readonly number[]) => Partial<FolderCursor>,
): Promise<boolean> {
  const { context } = run;
  const total = uids.length;
  let done = 0;
  const batches = planBatches(uids, sizes, context.maxBatchMessages);
  // Batches flow through three stages at once: the next one downloads, the ones before it are
  // prepared (parsed, sanitized, tokenized), and the oldest
  // commits. Downloading waits on the mail server, committing on Postgres, preparing on the CPU, so
  // none of them waits for the others. Still only one FETCH is ever in flight, no other IMAP command
  // is sent until it has finished (see settle below), and commits stay one at a time and in order,
  // so the cursor only ever moves forward.
  const startFetch = (index: number) => {
    const batch = batches[index];
    if (!batch || outOfTime(context)) return null;
    const fetching = context.session.fetchMessages(batch);
    fetching.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    return fetching;
  };
  const preparing: { batch: number[]; fetched: Omit<FetchedMessage, 'source'>[]; prepared: Promise<PreparedContent[]> }[] = [];
  let prefetch = startFetch(0);
  let committing: Promise<void> | null = null;
  const commitOldest = async () => {
    const oldest = preparing.shift()!;
    const prepared = await oldest.prepared;
    const messages = oldest.fetched.map((fetched, index): PreparedMessage => {
      const { parsed, searchVector, unparsedSource, sanitizerVersion, tokenizerVersion } = prepared[index]!;
      return { fetched: { ...fetched, source: unparsedSource ?? NO_SOURCE }, parsed, searchVector, sanitizerVersion, tokenizerVersion };
    });
    // The previous batch must be in before this one's cursor is computed from run.cursor.
    await committing;
    done += oldest.batch.length;
    const progress = { folder: run.folder.path, done, total };
    run.progress = progress;
    committing = commit(run, { messages, cursor: { ...run.cursor, ...cursorAfter(oldest.batch) } }, progress);
    committing.catch(() => undefined); // awaited with the next batch or below
  };
  const settle = async () => {
    await prefetch?.catch(() => undefined);
    prefetch = null;
    await Promise.all(preparing.map((entry) => entry.prepared.catch(() => undefined)));
    await committing?.catch(() => undefined);
  };
  try {
    let fetchedAll = true;
    for (let index = 0; index < batches.length; index++) {
      if (!prefetch || outOfTime(context)) {
        fetchedAll = false;
        break;
      }
      const fetched = await prefetch;
      prefetch = startFetch(index + 1);
      // The sources go to the preparer alone, which lets go of each once it is prepared.
      const sources = fetched.map((message) => message.source);
      const metadata = fetched.map(({ uid, flags, internalDate, size }) => ({ uid, flags, internalDate, size }));
      preparing.push({ batch: batches[index]!, fetched: metadata, prepared: prepareBatch(sources) });
      if (preparing.length > 1) await commitOldest();
    }
    // What was downloaded is committed even when the budget ran out: it is ready, and quick to store.
    while (preparing.length > 0) await commitOldest();
    await committing;
    return fetchedAll;
  } finally {
    await settle();
  }
}

const NO_SOURCE = Buffer.alloc(0);

export function planBatches(uids: readonly number[], sizes: ReadonlyMap<number, number>, maxMessages: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
