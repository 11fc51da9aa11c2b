import type { NextRequest } from 'next/server';
import { handlers } from '@/lib/auth';
import { isKnownAuthEndpoint } from '@/lib/auth/endpoints';

type Context = { params: Promise<{ nextauth: string[] }> };

/** Unknown actions and providers are a plain 404 (lib/auth/endpoints.ts), not Auth.js's redirect to its error page. */
function onlyKnown(handler: (request: NextRequest) => Promise<Response>) {
  return async (request: NextRequest, { params }: Context) =>
    isKnownAuthEndpoint((await params).nextauth) ? handler(request) : new Response('Not found', { status: 404 });
}

export const GET = onlyKnown(handlers.GET);
export const POST = onlyKnown(handlers.POST);
