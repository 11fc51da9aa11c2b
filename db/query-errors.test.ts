import { inspect } from 'node:util';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import './query-errors';

const userId = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';

function failedQuery() {
  const cause = Object.assign(new Error('invalid input syntax for type uuid: "------------------------------------"'), { code: '22P02' });
  return new DrizzleQueryError('select * from mail_messages where user_id = $1 and id = $2', [userId, '-'.repeat(36)], cause);
}

describe('DrizzleQueryError output', () => {
  it('prints the reason and the code, never the parameters, however it is logged', () => {
    const error = failedQuery();
    const printed = [inspect(error), inspect({ error }), JSON.stringify(error), JSON.stringify({ error }), inspect(new Error('wrapped', { cause: error }))];
    for (const text of printed) {
      expect(text).not.toContain(userId);
      expect(text).not.toContain('-'.repeat(36));
      expect(text).not.toContain('select * from');
    }
    expect(printed[0]).toContain('invalid input syntax for type uuid');
    expect(printed[0]).toContain('22P02');
    expect(printed[0]).toMatch(/\n\s+at /);
  });
});
