/**
 * Structured logs: one JSON object per line on stderr, which log collectors (Vercel, Docker,
 * Kubernetes) index without parsing; stdout stays free for what a command prints as its result
 * (mail:import's JSON summary). LOG_LEVEL=warn silences the per-request and per-pass info lines. Callers pass ids, counts and codes;
 * never a password, token, cookie or message body. `error` values are reduced to their message (and
 * stack for errors), and any field whose name looks like a secret is dropped as a safety net.
 */
import { DrizzleQueryError } from 'drizzle-orm';
type Level = 'info' | 'warn' | 'error';

const SECRET_FIELD = /pass(word)?|secret|token|cookie|authorization|credential|body/i;

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Drizzle wraps a driver error in one whose message repeats the whole statement and its
  // parameters: for the importer that is a batch of people's mail, which must not reach a log
  // or the stored last error. The driver's own message says what went wrong.
  if (error instanceof DrizzleQueryError && error.cause instanceof Error) return `database error: ${error.cause.message}`;
  return error.message;
}

const RANK: Record<Level, number> = { info: 0, warn: 1, error: 2 };

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const threshold = process.env.LOG_LEVEL;
  if (threshold && threshold in RANK && RANK[level] < RANK[threshold as Level]) return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) continue;
    entry[key] = value instanceof Error ? (level === 'error' && !(value instanceof DrizzleQueryError) ? value.stack ?? value.message : errorText(value)) : value;
  }
  console.error(JSON.stringify(entry));
}
