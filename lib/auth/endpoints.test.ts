import { describe, expect, it } from 'vitest';
import { isKnownAuthEndpoint } from './endpoints';

describe('isKnownAuthEndpoint', () => {
  it.each([
    [['session'], true],
    [['csrf'], true],
    [['signout'], true],
    [['callback', 'credentials'], true],
    [['not-an-action'], false],
    [['callback', 'no-such-provider'], false],
    [['signin', 'nope'], false],
    [['\u0000'], false],
    [['session', 'extra', 'parts'], false],
    [[], false],
  ])('%j → %s', (segments, known) => expect(isKnownAuthEndpoint(segments)).toBe(known));
});
