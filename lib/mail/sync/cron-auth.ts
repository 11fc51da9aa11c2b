import crypto from 'node:crypto';

export type CronAuthorization = { ok: true } | { ok: false; status: 401 | 503; error: string };

/**
 * Checks `Authorization: Bearer <CRON_SECRET>` the way Vercel Cron (and any scheduler that can send
 * a header) calls the import endpoint.
 *
 * The secret is always required: without CRON_SECRET nothing is accepted, in development too,
 * so an endpoint that makes outgoing IMAP connections is never open by accident. In production a
 * missing secret is a configuration error (503, saying so); elsewhere it is a plain 401.
 *
 * Both sides are hashed before the comparison, so timingSafeEqual gets equal lengths and the time
 * taken says nothing about the secret's length or content.
 */
export function checkCronAuthorization(authorizationHeader: string | null, cronSecret: string | undefined, isProduction: boolean): CronAuthorization {
  if (!cronSecret) {
    return isProduction
      ? { ok: false, status: 503, error: 'CRON_SECRET is not set: the import endpoint refuses every request until it is configured.' }
      : { ok: false, status: 401, error: 'Unauthorized: set CRON_SECRET and send it as "Authorization: Bearer <secret>".' };
  }
  const presented = /^Bearer[ \t]+(.+)$/i.exec(authorizationHeader?.trim() ?? '')?.[1]?.trim();
  if (!presented || !crypto.timingSafeEqual(digest(presented), digest(cronSecret))) {
    return { ok: false, status: 401, error: 'Unauthorized.' };
  }
  return { ok: true };
}

function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value, 'utf8').digest();
}
