import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './password-rules';

export const emailField = z.string().trim().toLowerCase().max(254, 'invalidEmail').pipe(z.email('invalidEmail'));
export const nameField = z.string().trim().min(1, 'nameRequired').max(200, 'nameTooLong');
export const newPasswordField = z.string().min(MIN_PASSWORD_LENGTH, 'passwordTooShort').max(1024, 'passwordTooLong');

const RETURN_BASE = 'http://return-path.invalid';

/**
 * Only same-origin paths, so a crafted link cannot send a user elsewhere after signing in. Browsers
 * drop tabs and new lines inside a URL and read a backslash as `/`, so `/<TAB>/evil.example` and `/<TAB>\\evil.example`
 * lead off-site: anything with whitespace, control characters or a backslash is refused outright, and
 * what is left must resolve, the way a browser resolves it, to this origin and a path that cannot
 * be read as `//host`. The answer is the resolved path, never the raw text.
 */
export function safeReturnPath(value: unknown): string {
  const fallback = '/inbox';
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2048) return fallback;
  if (/[\s\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(value)) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(value, RETURN_BASE);
  } catch {
    return fallback;
  }
  if (resolved.origin !== RETURN_BASE) return fallback;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (!path.startsWith('/') || path.startsWith('//')) return fallback;
  return path;
}

export const signInSchema = z.object({
  email: z.string().trim().min(1, 'emailRequired'),
  password: z.string().min(1, 'passwordRequired'),
  callbackUrl: z.string().optional().transform(safeReturnPath),
});

export const newAccountSchema = z
  .object({
    name: nameField,
    email: emailField,
    password: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((value) => value.password === value.confirmPassword, { message: 'passwordsDiffer', path: ['confirmPassword'] });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'passwordRequired').max(1024, 'passwordTooLong'),
    newPassword: newPasswordField,
    confirmPassword: z.string(),
  })
  .refine((value) => value.newPassword === value.confirmPassword, { message: 'passwordsDiffer', path: ['confirmPassword'] });
