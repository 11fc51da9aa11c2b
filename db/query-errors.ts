import { inspect } from 'node:util';
import { DrizzleQueryError } from 'drizzle-orm';

/**
 * Drizzle wraps every failed statement in a DrizzleQueryError whose message, and own `params`
 * property, repeat the statement's parameters: user ids, addresses, a batch of someone's mail. Next.js
 * prints an error that escapes a page or route with console.error, which shows exactly those. Loaded
 * with the database client, this makes every such error print (console, util.inspect, JSON) as the
 * driver's own reason and code, with values it quotes elided, and the stack frames, never the
 * statement's parameters. lib/log.ts's errorText() does the same for our own log lines.
 */
const QUOTED = /"[^"]*"|'[^']*'/g;

function safeDescription(error: DrizzleQueryError): { reason: string; code?: string } {
  const cause = error.cause;
  const reason = cause instanceof Error ? cause.message.replace(QUOTED, '"…"') : 'the statement failed';
  const code = cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return { reason, code };
}

function framesOf(stack: string | undefined): string {
  if (!stack) return '';
  const first = stack.indexOf('\n    at ');
  return first === -1 ? '' : stack.slice(first);
}

let installed = false;

export function redactQueryErrors(): void {
  if (installed) return;
  installed = true;
  Object.defineProperties(DrizzleQueryError.prototype, {
    [inspect.custom]: {
      value(this: DrizzleQueryError) {
        const { reason, code } = safeDescription(this);
        return `DrizzleQueryError: database error: ${reason}${code ? ` (code ${code})` : ''}${framesOf(this.stack)}`;
      },
    },
    toJSON: {
      value(this: DrizzleQueryError) {
        return { name: 'DrizzleQueryError', ...safeDescription(this) };
      },
    },
  });
}

redactQueryErrors();
