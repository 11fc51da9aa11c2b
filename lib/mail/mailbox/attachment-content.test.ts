import { describe, expect, it } from 'vitest';
import { MAX_DOWNLOAD_CONNECTIONS_PER_ACCOUNT, withDownloadConnection } from './attachment-content';

describe('withDownloadConnection', () => {
  it('lets an account have at most a few download connections at once, queues the rest, and releases on failure', async () => {
    let open = 0;
    let most = 0;
    const download = (fail: boolean) =>
      withDownloadConnection('account-a', async () => {
        open++;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 10));
        open--;
        if (fail) throw new Error('server went away');
        return 'bytes';
      });
    const results = await Promise.allSettled([download(false), download(true), download(false), download(true), download(false), download(false)]);
    expect(most).toBe(MAX_DOWNLOAD_CONNECTIONS_PER_ACCOUNT);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // Another account is not held up by the first one's queue.
    let otherStarted = false;
    const first = Promise.all([1, 2, 3].map(() => withDownloadConnection('account-b', () => new Promise((resolve) => setTimeout(resolve, 30)))));
    await withDownloadConnection('account-c', async () => {
      otherStarted = true;
    });
    expect(otherStarted).toBe(true);
    await first;
  });
});
