import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { UserFacingError } from '@/lib/actions/errors';

export const CSV_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The text of an uploaded CSV file: UTF-8 (with or without BOM), or UTF-16 with its BOM as Excel's
 * "Unicode text" writes it; anything that is not valid UTF-8 is read as Windows-1252 (Excel's
 * "CSV" on a Western Windows).
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return iconv.decode(buffer.subarray(2), 'utf16le');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return iconv.decode(buffer.subarray(2), 'utf16be');
  const body = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? buffer.subarray(3) : buffer;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return iconv.decode(body, 'win1252');
  }
}

/** The separator of the header line: comma, semicolon (Excel in Swedish and most of Europe) or tab (Excel's Unicode text). */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((delimiter) => ({ delimiter, count: firstLine.split(delimiter).length - 1 }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0]!.count > 0 ? counts[0]!.delimiter : ',';
}

export interface CsvTable {
  header: string[];
  /** Each row as read, with its line number in the file (the header is line 1). */
  rows: { line: number; cells: string[] }[];
}

export function readCsv(bytes: Uint8Array): CsvTable {
  if (bytes.byteLength > CSV_MAX_BYTES) throw new UserFacingError('crm.csvTooLarge');
  const text = decodeCsvBytes(bytes);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter: detectDelimiter(text), relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new UserFacingError('crm.csvUnreadable', { reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });
  }
  if (records.length < 2) throw new UserFacingError('crm.csvEmpty');
  const [header, ...rows] = records;
  return { header: header!.record, rows: rows.map((row) => ({ line: row.info.lines, cells: row.record })) };
}

/** "E-post", "e_mail", "E-mail address" → "epost", "email", "emailaddress": header names compared loosely. */
export function headerKey(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

/** Maps the file's columns to our fields by their names (English or Swedish, as exported or as people write them). */
export function mapColumns<F extends string>(header: string[], aliases: Record<F, string[]>): { index: Partial<Record<F, number>>; used: string[]; ignored: string[] } {
  const index: Partial<Record<F, number>> = {};
  const used: string[] = [];
  const ignored: string[] = [];
  header.forEach((name, position) => {
    const key = headerKey(name);
    const field = (Object.keys(aliases) as F[]).find((candidate) => aliases[candidate].includes(key));
    if (field && index[field] === undefined) {
      index[field] = position;
      used.push(name);
    } else if (name.trim()) ignored.push(name);
  });
  return { index, used, ignored };
}

/** Several values in one cell: "a@x.se; b@y.se" or "a@x.se, b@y.se" or one per line. */
export function splitList(cell: string): string[] {
  return cell
    .split(/[;,\n]+/)
    .map((value) => value.trim())
    .filter(Boolean);
}
