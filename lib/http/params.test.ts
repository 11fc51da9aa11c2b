import { describe, expect, it } from 'vitest';
import { MAX_PAGE, parseOptionalUuid, parsePage, parseSearchText, parseUuid } from './params';

describe('parseUuid', () => {
  it.each([
    ['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['0'.repeat(36), null],
    ['a'.repeat(36), null],
    ['-'.repeat(36), null],
    ['0f8fad5bd9cb469fa16570867728950e', null],
    ['{0f8fad5b-d9cb-469f-a165-70867728950e}', null],
    ['0f8fad5b-d9cb-469f-a165-70867728950e ', null],
    ['0f8fad5b-d9cb-469f-a165-70867728950g', null],
    ['', null],
    [undefined, null],
    [42, null],
  ])('%s → %s', (input, expected) => expect(parseUuid(input)).toBe(expected));
});

describe('parsePage', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['37', 37],
    [String(MAX_PAGE), MAX_PAGE],
    [String(MAX_PAGE + 1), null],
    ['9'.repeat(50), null],
    ['0', null],
    ['-1', null],
    ['01', null],
    ['1.5', null],
    ['1e3', null],
    [' 2', null],
    ['0x10', null],
    ['NaN', null],
    [['1', '2'], null],
    [['3'], 3],
  ] as const)('%s → %s', (input, expected) => expect(parsePage(input as string | string[] | undefined)).toBe(expected));
});

describe('parseOptionalUuid', () => {
  it('tells absent from malformed', () => {
    expect(parseOptionalUuid(undefined)).toBeUndefined();
    expect(parseOptionalUuid('')).toBeUndefined();
    expect(parseOptionalUuid('inbox')).toBeNull();
    expect(parseOptionalUuid(['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'])).toBeNull();
    expect(parseOptionalUuid('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
  });
});

describe('parseSearchText', () => {
  it.each([
    [undefined, undefined],
    ['   ', undefined],
    ['  anna  ', 'anna'],
    ['x'.repeat(300), 'x'.repeat(200)],
    ['x'.repeat(2000), null],
    ['a\u0000b', null],
    ['a\u001bb', null],
    ['\ud800', null],
    [['a', 'b'], null],
    ['Åsa 東京', 'Åsa 東京'],
  ] as const)('%s → %s', (input, expected) => expect(parseSearchText(input as string | string[] | undefined)).toBe(expected));
});
