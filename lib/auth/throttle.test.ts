import { describe, expect, it } from 'vitest';
import { CLIENT_POLICY, PAIR_POLICY, delayAfter, pairKey } from './throttle';

describe('delayAfter', () => {
  it('lets a few mistakes pass, then doubles the wait with each failure up to the cap', () => {
    const waits = Array.from({ length: 12 }, (_, failures) => delayAfter(failures, PAIR_POLICY));
    expect(waits.slice(0, PAIR_POLICY.freeFailures).every((wait) => wait === 0)).toBe(true);
    expect(waits.slice(PAIR_POLICY.freeFailures, PAIR_POLICY.freeFailures + 3)).toEqual([30_000, 60_000, 120_000]);
    expect(Math.max(...waits)).toBe(PAIR_POLICY.maxDelayMs);
    expect(delayAfter(10_000, CLIENT_POLICY)).toBe(CLIENT_POLICY.maxDelayMs);
  });

  it('keys a pair by the address in any case and the client', () => {
    expect(pairKey(' Ann@Example.COM ', '198.51.100.1')).toBe(pairKey('ann@example.com', '198.51.100.1'));
    expect(pairKey('ann@example.com', '198.51.100.1')).not.toBe(pairKey('ann@example.com', '198.51.100.2'));
  });
});
