import 'server-only';

/** Most bytes one upload request carries: under Vercel's 4.5 MB body limit and Next's 10 MB proxy buffer. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** Reads a request body up to `limit` bytes; null when it is longer. */
export async function readBodyUpTo(request: Request, limit: number): Promise<Buffer | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        return null;
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}
