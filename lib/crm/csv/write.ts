import { stringify } from 'csv-stringify/sync';

/**
 * A CSV file Excel opens correctly in every locale: UTF-8 with a BOM (without it Excel guesses the
 * ANSI code page and breaks å, ä, ö), CRLF line ends, a header row. Comma-separated, as RFC 4180.
 */
export function toCsv(header: string[], rows: (string | null | undefined)[][]): string {
  return '\ufeff' + stringify([header, ...rows.map((row) => row.map((cell) => cell ?? ''))], { record_delimiter: 'windows' });
}
