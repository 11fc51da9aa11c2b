import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectDelimiter, headerKey, mapColumns, readCsv, splitList } from './read';
import { toCsv } from './write';

describe('CSV files', () => {
  it('decodes UTF-8 with and without BOM, UTF-16 with BOM, and Windows-1252', () => {
    expect(decodeCsvBytes(new Uint8Array(Buffer.from('\ufeffnamn;ort\nÅhléns;Malmö', 'utf8')))).toBe('namn;ort\nÅhléns;Malmö');
    expect(decodeCsvBytes(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('namn\tort\nÖ\tÄ', 'utf16le')])))).toBe('namn\tort\nÖ\tÄ');
    expect(decodeCsvBytes(new Uint8Array(iconv.encode('namn;ort\nGävle;Örebro', 'win1252')))).toBe('namn;ort\nGävle;Örebro');
  });

  it('finds the separator from the header line', () => {
    expect(detectDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('a,b')).toBe(',');
  });

  it('round-trips quoted fields through what it writes', () => {
    const text = toCsv(['name', 'notes'], [['Acme, Inc.', 'Line one\nline "two"']]);
    const table = readCsv(new Uint8Array(Buffer.from(text, 'utf8')));
    expect(table.header).toEqual(['name', 'notes']);
    expect(table.rows).toEqual([{ line: 3, cells: ['Acme, Inc.', 'Line one\nline "two"'] }]);
  });

  it('maps English and Swedish column names loosely', () => {
    expect(headerKey('E-post adress')).toBe('epostadress');
    const { index, ignored } = mapColumns(['Företag', 'Ort', 'Shoe size'], { name: ['foretag'], city: ['ort'] });
    expect(index).toEqual({ name: 0, city: 1 });
    expect(ignored).toEqual(['Shoe size']);
    expect(splitList('a@x.se; b@y.se, c@z.se')).toEqual(['a@x.se', 'b@y.se', 'c@z.se']);
  });
});
