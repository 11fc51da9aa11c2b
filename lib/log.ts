/**
 * Structured logs: one JSON object per line on stdout (info) or stderr (warn, error), which log
 * collectors (Vercel, Docker, Kubernetes) index without parsing. Callers pass ids, counts and codes;
 * never a password, token, cookie or message body. `error` values are reduced to their message (and
 * stack for errors), and any field whose name looks like a secret is dropped as a safety net.
 */
type Level = 'info' | 'warn' | 'error';

const SECRET_FIELD = /pass(word)?|secret|token|cookie|authorization|credential|body/i;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) continue;
    entry[key] = value instanceof Error ? (level === 'error' ? value.stack ?? value.message : value.message) : value;
  }
  const line = JSON.stringify(entry);
  if (level === 'info') console.log(line);
  else console.error(line);
}
