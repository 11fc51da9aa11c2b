import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMessagePreparer } from '@/lib/mail/prepare-pool';
import type { PreparedContent } from '@/lib/mail/prepare';
import { bundlePrepareWorker } from '../../scripts/bundle-command.mjs';
import { mimeCorpusFiles } from '../harness/mime-corpora';

/** Attachment ids are random per parse; everything else must be identical. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const comparable = (results: PreparedContent[]) => JSON.parse(JSON.stringify(results).replace(UUID, '<id>')) as unknown;

describe('preparing messages on worker threads', () => {
  it('gives exactly what the main thread gives, for every corpus message, and survives a worker dying', async () => {
    const workerScript = await bundlePrepareWorker();
    const sources = () => mimeCorpusFiles().map((file) => fs.readFileSync(file));
    const onMainThread = await createMessagePreparer({ workerScript: null }).prepare(sources());

    const pool = createMessagePreparer({ workerScript, threads: 2 });
    try {
      const all = sources();
      const halves = await Promise.all([pool.prepare(all.slice(0, 150)), pool.prepare(all.slice(150))]);
      const onWorkers = halves.flat();
      expect(onWorkers).toHaveLength(onMainThread.length);
      expect(comparable(onWorkers)).toEqual(comparable(onMainThread));
      // Attachment bytes and unparsed sources come back as Buffers, which the importer base64-encodes.
      for (const prepared of onWorkers) {
        for (const attachment of prepared.parsed.attachments) if (attachment.content) expect(Buffer.isBuffer(attachment.content)).toBe(true);
      }
    } finally {
      await pool.close();
    }

    // A worker script that dies at once: the batch is prepared on the main thread instead.
    const dying = `${workerScript}.dying.mjs`;
    fs.writeFileSync(dying, 'process.exit(3);\n');
    const broken = createMessagePreparer({ workerScript: dying, threads: 1 });
    try {
      expect(comparable(await broken.prepare(sources().slice(0, 20)))).toEqual(comparable(onMainThread.slice(0, 20)));
    } finally {
      await broken.close();
      fs.rmSync(dying, { force: true });
    }
  });
});
