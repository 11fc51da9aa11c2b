// The entry of the importer's worker threads (see prepare-pool.ts): prepares each batch of message
// sources it is sent and posts the results back, in order.
import { parentPort } from 'node:worker_threads';
import { prepareMessageContent, type PreparedContent } from './prepare';

export interface PrepareRequest {
  id: number;
  sources: Uint8Array[];
}

export type PrepareResponse = { id: number; results: PreparedContent[] } | { id: number; error: string };

parentPort?.on('message', ({ id, sources }: PrepareRequest) => {
  let response: PrepareResponse;
  try {
    response = { id, results: sources.map(prepareMessageContent) };
  } catch (error) {
    // parseMessage never throws for bad mail; this is a bug, and the pool falls back to the main thread.
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});
