import { describe, expect, it } from 'vitest';
import { hang, sleep } from './autodetect.test-fakes';
import { firstByPriority } from './first-by-priority';

describe('firstByPriority', () => {
  it('returns the highest-priority answer found before an abort', async () => {
    const controller = new AbortController();
    const result = firstByPriority(
      [
        { run: () => hang<string>(), timeoutMs: 10_000 },
        { run: async () => 'second', timeoutMs: 10_000 },
        { run: async () => 'third', timeoutMs: 10_000 },
      ],
      controller.signal,
    );
    await sleep(20);
    controller.abort();
    await expect(result).resolves.toBe('second');
  });

  it('resolves null for no tasks or an already aborted signal', async () => {
    await expect(firstByPriority([])).resolves.toBeNull();
    await expect(firstByPriority([{ run: async () => 'x', timeoutMs: 100 }], AbortSignal.abort())).resolves.toBeNull();
  });
});
