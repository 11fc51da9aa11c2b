import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { log } from '@/lib/log';
import { prepareMessageContent, type PreparedContent } from './prepare';
import type { PrepareRequest, PrepareResponse } from './prepare-worker';

/**
 * Prepares (parses, sanitizes, tokenizes) batches of message sources for the importer: on worker
 * threads when a worker bundle is at hand, so that on a machine with more than one core the main
 * thread keeps the IMAP download and the database commits moving meanwhile; otherwise on the main
 * thread, yielding to the event loop between messages.
 *
 * Worker threads need a plain JavaScript file to start. The importer's bundled entry points have
 * one beside them (scripts/bundle-command.mjs builds prepare-worker.mjs next to mail-import.mjs, and
 * start-standalone.sh into the standalone app); code running from source (tests, `next dev`) has
 * none and prepares on the main thread. Either way the result is the same.
 */
export interface MessagePreparer {
  /**
   * The prepared content of each source, in order. Takes the array over and empties it as it goes,
   * so each source can be freed as soon as it is prepared: sources are most of an import's memory.
   */
  prepare(sources: Buffer[]): Promise<PreparedContent[]>;
  close(): Promise<void>;
}

export interface PreparerOptions {
  /** Path of the bundled prepare-worker; null or absent prepares on the main thread. */
  workerScript?: string | null;
  /** Default: see defaultWorkerThreads(). */
  threads?: number;
}

/**
 * One fewer than the cores (the main thread has the IMAP stream and the commits), at most 4; none
 * below 4 cores. Measured on the 2-vCPU benchmark machine, one worker shortened the 10k import by
 * 4 % (15.9 → 15.3 s) and raised the peak RSS from 236 to 362 MiB: Postgres and Dovecot need the
 * second core too, and each thread ran slower beside the other.
 */
export function defaultWorkerThreads(cores = os.availableParallelism()): number {
  return cores < 4 ? 0 : Math.min(4, cores - 1);
}

let bundledWorker: string | null | undefined;

/**
 * The prepare-worker bundle of the running program, if it has one: beside a bundled command
 * (`npm run mail:import` runs node_modules/.cache/crm-commands/mail-import.mjs, with
 * prepare-worker.mjs next to it), or in the standalone app's workers/ directory (server.js makes its
 * own directory the working directory). Code running from source has none.
 */
export function findBundledPrepareWorker(): string | null {
  if (bundledWorker === undefined) {
    const candidates = [
      ...(process.argv[1] ? [path.join(path.dirname(process.argv[1]), 'prepare-worker.mjs')] : []),
      path.join(process.cwd(), 'workers', 'prepare-worker.mjs'),
    ];
    bundledWorker = candidates.find((candidate) => fs.existsSync(candidate)) ?? null;
  }
  return bundledWorker;
}

export function createMessagePreparer(options: PreparerOptions = {}): MessagePreparer {
  const threads = options.threads ?? defaultWorkerThreads();
  if (!options.workerScript || threads < 1) return mainThreadPreparer;
  return new WorkerPreparer(options.workerScript, threads);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const mainThreadPreparer: MessagePreparer = {
  async prepare(sources) {
    const results: PreparedContent[] = [];
    for (let source = sources.shift(); source; source = sources.shift()) {
      results.push(prepareMessageContent(source));
      // Socket callbacks run between messages: the next batch keeps arriving and the previous
      // commit's answer is read while this batch is prepared.
      await yieldToEventLoop();
    }
    return results;
  },
  async close() {},
};

interface Pending {
  /** Kept until the worker answers, for the main thread to fall back on. */
  sources: Buffer[];
  resolve: (results: PreparedContent[]) => void;
  reject: (error: Error) => void;
}

/** Workers are started on the first batch, so a pass with nothing new costs no thread start-up. */
class WorkerPreparer implements MessagePreparer {
  private workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private broken = false;

  constructor(
    private readonly script: string,
    private readonly threads: number,
  ) {}

  async prepare(sources: Buffer[]): Promise<PreparedContent[]> {
    if (this.broken) return mainThreadPreparer.prepare(sources);
    if (this.workers.length === 0) this.start();
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise<PreparedContent[]>((resolve, reject) => {
      this.pending.set(id, { sources, resolve, reject });
      const request: PrepareRequest = { id, sources: [...sources] };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private start(): void {
    for (let index = 0; index < this.threads; index++) {
      const worker = new Worker(this.script);
      worker.on('message', (response: PrepareResponse) => this.settle(response));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.workers.includes(worker)) this.fail(new Error(`a prepare worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  private settle(response: PrepareResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if ('error' in response) {
      // A bug in preparing, not bad mail (that never throws): the main thread does this batch.
      log('warn', 'a prepare worker failed a batch; preparing it on the main thread', { error: response.error });
      mainThreadPreparer.prepare(pending.sources).then(pending.resolve, pending.reject);
      return;
    }
    pending.resolve(response.results.map(withBuffers));
  }

  /** A dead worker: everything it had, and everything after, is prepared on the main thread. */
  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = true;
    log('warn', 'the prepare workers stopped; preparing on the main thread', { error: error.message });
    void this.close();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { sources, resolve, reject } of pending) mainThreadPreparer.prepare(sources).then(resolve, reject);
  }
}

/** Buffers arrive from a worker as plain Uint8Arrays; the importer base64-encodes them as Buffers. */
function withBuffers(prepared: PreparedContent): PreparedContent {
  const asBuffer = (content: Uint8Array | null): Buffer | null =>
    content === null || Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const { attachments } = prepared.parsed;
  return {
    ...prepared,
    unparsedSource: asBuffer(prepared.unparsedSource),
    parsed: { ...prepared.parsed, attachments: attachments.map((attachment) => ({ ...attachment, content: asBuffer(attachment.content) })) },
  };
}
