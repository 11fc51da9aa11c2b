import { z } from 'zod';

/**
 * The built-in provider table's shape, shared by the generator that writes it and the autodetection
 * that reads it, and the placeholders of its server templates.
 */

const tlsModeSchema = z.enum(['implicit', 'starttls', 'none']);

export const serverTemplateSchema = z.strictObject({
  /** May contain %EMAILDOMAIN%, which a few ISPs use for per-domain hosts. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  tls: tlsModeSchema,
  /** A template such as %EMAILADDRESS% or %EMAILLOCALPART%. */
  username: z.string(),
  /** Authentication methods as the ISPDB names them (password-cleartext, OAuth2, …). */
  auth: z.array(z.string()),
});

export type ServerTemplate = z.infer<typeof serverTemplateSchema>;

/** Keys the UI knows how to explain (enabling IMAP, app passwords); see the supplement file. */
export const providerHelpSchema = z.enum(['gmail', 'outlook', 'microsoft365', 'icloud', 'yahoo', 'aol']);
export type ProviderHelp = z.infer<typeof providerHelpSchema>;

export const providerEntrySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  domains: z.array(z.string().min(1)),
  imap: z.array(serverTemplateSchema).min(1),
  smtp: z.array(serverTemplateSchema).min(1),
  /** MX host suffixes that reveal a custom domain hosted here (e.g. mail.protection.outlook.com). */
  mxSuffixes: z.array(z.string().min(1)).optional(),
  help: providerHelpSchema.optional(),
});

export type ProviderEntry = z.infer<typeof providerEntrySchema>;

export const providerTableSchema = z.strictObject({
  generatedFrom: z.string(),
  providers: z.array(providerEntrySchema),
});

export type ProviderTable = z.infer<typeof providerTableSchema>;

// ---------------------------------------------------------------------------------------------
// Username / host templates

const PLACEHOLDER = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g;

/** Fills %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% from the address (split at its last "@"). */
export function applyUsernameTemplate(template: string, email: string): string {
  const at = email.lastIndexOf('@');
  const localPart = at === -1 ? email : email.slice(0, at);
  const domain = at === -1 ? '' : email.slice(at + 1);
  const values: Record<string, string> = {
    EMAILADDRESS: email,
    EMAILLOCALPART: localPart,
    EMAILDOMAIN: domain,
  };
  // A replacer function, because addresses may legally contain "$", which string replacements interpret.
  return template.replace(PLACEHOLDER, (_match, name: string) => values[name] ?? '');
}
