import { describe, expect, it } from 'vitest';
import { newAccountSchema, safeReturnPath } from './schemas';

describe('safeReturnPath', () => {
  it.each([
    ['/companies', '/companies'],
    ['/settings?tab=users', '/settings?tab=users'],
    ['https://evil.example/', '/inbox'],
    ['//evil.example/', '/inbox'],
    ['/\\evil.example', '/inbox'],
    // Browsers drop tabs and new lines in URLs and read a backslash as a slash: each of these leads off-site.
    ['/\t/evil.example/path', '/inbox'],
    ['/\t\\evil.example/path', '/inbox'],
    ['/\n/evil.example', '/inbox'],
    ['/\r\n/evil.example', '/inbox'],
    ['/ /evil.example', '/inbox'],
    ['/\u00a0/evil.example', '/inbox'],
    ['\t//evil.example', '/inbox'],
    ['/./\t/evil.example', '/inbox'],
    ['/.//evil.example', '/inbox'],
    ['/%2e//evil.example', '/inbox'],
    ['/x/..//evil.example', '/inbox'],
    ['//evil.example@x/', '/inbox'],
    ['javascript:alert(1)', '/inbox'],
    // Same-origin paths come back as the browser would resolve them.
    ['/inbox/../settings', '/settings'],
    ['/%09/evil.example', '/%09/evil.example'],
    ['/inbox?folder=x#top', '/inbox?folder=x#top'],
    [undefined, '/inbox'],
  ])('%s → %s', (input, expected) => expect(safeReturnPath(input)).toBe(expected));
});

describe('newAccountSchema', () => {
  const valid = { name: ' Ada ', email: ' Ada@Example.COM ', password: 'correct horse', confirmPassword: 'correct horse' };

  it('normalises name and e-mail', () => {
    expect(newAccountSchema.parse(valid)).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
  });

  it('names the field and the catalog key of each problem', () => {
    const result = newAccountSchema.safeParse({ ...valid, email: 'nope', password: 'short', confirmPassword: 'other' });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((issue) => [issue.path[0], issue.message]);
    expect(issues).toEqual(expect.arrayContaining([['email', 'invalidEmail'], ['password', 'passwordTooShort']]));
  });

  it('rejects a confirmation that differs', () => {
    const result = newAccountSchema.safeParse({ ...valid, confirmPassword: 'correct horsE' });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['confirmPassword'], message: 'passwordsDiffer' })]);
  });
});
