// Preloaded into the standalone server (scripts/start-standalone.sh: node --import). Next.js gives
// route handlers and server actions only headers, and keeps a client-sent X-Forwarded-For as it is,
// so the app cannot otherwise tell the TCP peer's address from a forged header. Before Next.js sees a
// request this records the peer's address, and the X-Forwarded-For it arrived with, in headers of our
// own, overwriting anything a client sent under those names (lib/http/client-address.ts reads them).
import diagnosticsChannel from 'node:diagnostics_channel';

diagnosticsChannel.subscribe('http.server.request.start', ({ request }) => {
  request.headers['x-crm-peer-address'] = request.socket?.remoteAddress ?? '';
  request.headers['x-crm-forwarded-for'] = [request.headers['x-forwarded-for'] ?? ''].flat().join(', ');
});
