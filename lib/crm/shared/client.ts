// Browser-safe field rules shared by the record forms (zod messages are keys under `errors.`).
import { z } from 'zod';

/** A text field that may be left empty; always trimmed. */
export const optionalText = (max: number, tooLong = 'crm.tooLong') => z.string().trim().max(max, tooLong).default('');

/** An owner chosen from the list of users; '' means none. */
export const optionalId = z
  .string()
  .trim()
  .default('')
  .refine((value) => value === '' || /^[0-9a-f-]{36}$/i.test(value), 'invalidValue')
  .transform((value) => (value === '' ? null : value));

/** The version the edit form was opened with. */
export const versionField = z.coerce.number('invalidValue').int('invalidValue').min(1, 'invalidValue');

/** YYYY-MM-DD or empty. */
export const optionalDate = z
  .string()
  .trim()
  .default('')
  .refine((value) => value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))), 'crm.invalidDate')
  .transform((value) => (value === '' ? null : value));

/** A form's list field: FormData gives a string for one value, an array for several, nothing for none. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]), z.array(item));
