import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './password-rules';

export const emailField = z.string().trim().toLowerCase().max(254, 'invalidEmail').pipe(z.email('invalidEmail'));
export const nameField = z.string().trim().min(1, 'nameRequired').max(200, 'nameTooLong');
export const newPasswordField = z.string().min(MIN_PASSWORD_LENGTH, 'passwordTooShort').max(1024, 'passwordTooLong');

/** Only same-site paths, so a crafted link cannot send a user elsewhere after signing in. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/inbox';
  return value;
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
