import fs from 'node:fs';
import path from 'node:path';

const CORPORA = path.join(process.cwd(), 'tests', 'fixtures', 'mime');

/** Every message file of the third-party MIME corpora (real spam, broken MIME, parser torture tests). */
export function mimeCorpusFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== 'LICENSE') files.push(full);
    }
  };
  walk(CORPORA);
  return files;
}
