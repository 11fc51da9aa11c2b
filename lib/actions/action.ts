import 'server-only';
import crypto from 'node:crypto';
import { unstable_rethrow } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { getDb, type Database } from '@/db';
import type { User } from '@/db/schema';
import { getCurrentUser } from '@/lib/auth/session';
import { log } from '@/lib/log';
import { UserFacingError } from './errors';

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

export interface PublicContext {
  db: Database;
}
export interface AuthenticatedContext extends PublicContext {
  user: User;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * FormData from a <form action>, or a plain object from a client call. Fields named `name[]`
 * (a group of checkboxes) become an array under `name`, empty when none is ticked.
 */
function toInput(raw: unknown): unknown {
  if (raw instanceof FormData) {
    const object: Record<string, unknown> = {};
    for (const [key, value] of raw.entries()) {
      if (key.startsWith('$ACTION')) continue; // Next.js's own bookkeeping fields
      if (key.endsWith('[]')) {
        const name = key.slice(0, -2);
        object[name] = [...((object[name] as unknown[] | undefined) ?? []), value];
      } else {
        object[key] = value;
      }
    }
    return object;
  }
  return raw;
}

/** Zod messages in our schemas are catalog keys under `errors.` (e.g. `invalidEmail`). */
function fieldErrorsFrom(error: z.ZodError, t: Translate): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    const key = issue.message;
    const message = /^[a-zA-Z.]+$/.test(key) ? t(key) : t('invalidValue');
    (result[field] ??= []).push(message);
  }
  return result;
}

async function run<S extends z.ZodType, T, C extends PublicContext>(
  actionName: string,
  schema: S,
  raw: unknown,
  context: () => Promise<C | null>,
  handler: (input: z.output<S>, context: C) => Promise<T>,
): Promise<ActionResult<T>> {
  const t = (await getTranslations('errors')) as unknown as Translate;
  try {
    const ctx = await context();
    if (!ctx) {
      log('info', 'action refused: not signed in', { action: actionName });
      return { ok: false, error: t('notSignedIn') };
    }
    const parsed = schema.safeParse(toInput(raw));
    if (!parsed.success) {
      log('info', 'action input rejected', { action: actionName, fields: [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '_form')))] });
      return { ok: false, error: t('checkFields'), fieldErrors: fieldErrorsFrom(parsed.error, t) };
    }
    return { ok: true, data: await handler(parsed.data, ctx) };
  } catch (error) {
    // redirect() and notFound() work by throwing; they are not failures.
    unstable_rethrow(error);
    if (error instanceof UserFacingError) {
      log('info', 'action refused', { action: actionName, reason: error.messageKey });
      const message = t(error.messageKey, error.values);
      return { ok: false, error: message, ...(error.field ? { fieldErrors: { [error.field]: [message] } } : {}) };
    }
    const reference = crypto.randomBytes(4).toString('hex');
    log('error', 'action failed', { action: actionName, reference, error });
    return { ok: false, error: t('unexpected', { reference }) };
  }
}

/**
 * The one wrapper for server actions of signed-in users: loads the user from the session (and the
 * database, so deactivation counts at once), checks the role, validates the input with zod and turns
 * every outcome into an ActionResult. Usable directly as a `useActionState` action. `actionName`
 * (`domain.verb`, e.g. `mail.connect`) names the action in every log line it causes.
 */
export function authenticatedAction<S extends z.ZodType, T>(
  actionName: string,
  schema: S,
  handler: (input: z.output<S>, context: AuthenticatedContext) => Promise<T>,
  options: { role?: 'admin' } = {},
) {
  return async (_previous: ActionResult<T> | null, raw: unknown): Promise<ActionResult<T>> =>
    run(actionName, schema, raw, async () => {
      const user = await getCurrentUser();
      if (!user) return null;
      if (options.role === 'admin' && user.role !== 'admin') throw new UserFacingError('adminOnly');
      return { user, db: await getDb() };
    }, handler);
}

/** The same wrapper for the few actions that come before a session exists (sign-in, first run). */
export function publicAction<S extends z.ZodType, T>(
  actionName: string,
  schema: S,
  handler: (input: z.output<S>, context: PublicContext) => Promise<T>,
) {
  return async (_previous: ActionResult<T> | null, raw: unknown): Promise<ActionResult<T>> =>
    run(actionName, schema, raw, async () => ({ db: await getDb() }), handler);
}
