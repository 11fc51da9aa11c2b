/**
 * The address of the client that sent a request, as far as it can be trusted. Headers a client can
 * write itself (X-Forwarded-For from anyone) must never decide it, or rotating them escapes every
 * per-client limit.
 *
 * - On Vercel, the platform's `x-vercel-forwarded-for` (its edge overwrites whatever the client sent).
 * - The standalone server (`npm start`, the container, the tests) is started with
 *   scripts/peer-address.mjs, which records the TCP peer's address in `x-crm-peer-address` and the
 *   X-Forwarded-For the request arrived with in `x-crm-forwarded-for`, overwriting any client-sent
 *   headers of those names. Each of the `trustedProxyHops` proxies in front of the app appends the
 *   address it saw, so the client is that many entries left of the peer; with 0 (the default, no
 *   proxy) it is the peer itself and X-Forwarded-For is ignored.
 * - `next dev` has no such hook: Next.js's X-Forwarded-For (the peer, unless the client sent one) is
 *   read the same way. Development only.
 */
export const PEER_ADDRESS_HEADER = 'x-crm-peer-address';
export const ORIGINAL_FORWARDED_FOR_HEADER = 'x-crm-forwarded-for';

export interface ClientAddressOptions {
  trustedProxyHops: number;
  onVercel: boolean;
}

const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

export function clientAddressFrom(headers: Headers, { trustedProxyHops, onVercel }: ClientAddressOptions): string {
  if (onVercel) return list(headers.get('x-vercel-forwarded-for'))[0] ?? 'unknown';
  const peer = headers.get(PEER_ADDRESS_HEADER)?.trim();
  const chain = peer ? [...list(headers.get(ORIGINAL_FORWARDED_FOR_HEADER)), peer] : list(headers.get('x-forwarded-for'));
  if (chain.length === 0) return 'unknown';
  // Fewer entries than trusted hops: the request skipped a proxy; the leftmost is as far as trust goes.
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)]!;
}
