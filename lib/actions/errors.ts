/**
 * An expected failure the user should read: `messageKey` names a message in the catalogs
 * (`errors.<messageKey>`), `values` fill its placeholders. Anything else thrown by an action
 * is logged and shown as a generic error.
 */
export class UserFacingError extends Error {
  constructor(
    readonly messageKey: string,
    readonly values: Record<string, string | number> = {},
    readonly field?: string,
  ) {
    super(messageKey);
    this.name = 'UserFacingError';
  }
}
