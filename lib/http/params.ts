/**
 * Parsers for what arrives in a URL: path segments and query parameters. Each answers the clean
 * value, or null when the input is malformed, and the caller turns null into a 404 (a page:
 * notFound()) or a 400/404 (a route handler). Nothing malformed may reach the database, where it
 * becomes a 500 and a log line with the failing statement.
 */

/** A query parameter as Next.js hands it over: absent, once, or repeated. */
export type QueryValue = string | string[] | undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A database id (uuid, the canonical 8-4-4-4-12 form only), lower-cased; null otherwise. */
export function parseUuid(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}

/**
 * The parameter's one value; undefined when absent or empty; null when it was given more than once
 * (`?page=1&page=2`: no single meaning).
 */
export function singleValue(value: QueryValue): string | undefined | null {
  if (Array.isArray(value)) return value.length === 1 ? singleValue(value[0]) : null;
  return value === undefined || value === '' ? undefined : value;
}

/** More pages than any mailbox has; keeps the offset a small number for the database. */
export const MAX_PAGE = 100_000;

/** A page number, 1 when absent; null for anything but a whole number from 1 to MAX_PAGE. */
export function parsePage(value: QueryValue): number | null {
  const single = singleValue(value);
  if (single === undefined) return 1;
  if (single === null || !/^[1-9][0-9]{0,5}$/.test(single)) return null;
  const page = Number(single);
  return page <= MAX_PAGE ? page : null;
}

/** An optional id parameter (`?folder=`): undefined when absent or empty, null when malformed. */
export function parseOptionalUuid(value: QueryValue): string | undefined | null {
  const single = singleValue(value);
  if (single === undefined || single === null) return single;
  return parseUuid(single);
}

export const MAX_SEARCH_LENGTH = 200;
// Control characters (NUL cannot even be stored in Postgres text) and unpaired surrogates.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A search text: trimmed, undefined when absent or blank, null when malformed (repeated, control
 * characters, broken UTF-16, or longer than anyone types into a search box). Whitespace runs count
 * as typed.
 */
export function parseSearchText(value: QueryValue, maxLength = MAX_SEARCH_LENGTH): string | undefined | null {
  const single = singleValue(value);
  if (single === undefined || single === null) return single;
  if (CONTROL.test(single) || !single.isWellFormed() || single.length > maxLength * 5) return null;
  const trimmed = single.trim().slice(0, maxLength);
  return trimmed === '' ? undefined : trimmed;
}
