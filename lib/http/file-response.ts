/** Types a browser would render (and run) in our origin are always served as downloads. */
const INLINE_SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);

/**
 * A stored file (a mail attachment, an archived document) as a response: inline only for types
 * that cannot run script, never sniffed, sandboxed, and never cached by shared caches.
 */
export function fileResponse(file: { filename: string | null; contentType: string; content: Buffer }, options: { fallbackName: string; download?: boolean }): Response {
  const contentType = file.contentType.toLowerCase();
  const inline = !options.download && INLINE_SAFE_TYPES.has(contentType);
  const filename = (file.filename || options.fallbackName).replace(/[\r\n"]/g, '_');
  return new Response(new Uint8Array(file.content), {
    headers: {
      'Content-Type': inline ? contentType : contentType === 'message/rfc822' ? 'message/rfc822' : 'application/octet-stream',
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'Content-Length': String(file.content.length),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    },
  });
}

/** A plain-text refusal that reveals nothing more than its status. */
export function textResponse(text: string, status: number): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' } });
}
