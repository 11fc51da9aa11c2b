/**
 * The version of what this module makes of a message's HTML: the sanitized HTML (sanitize*.ts) and
 * the text read from it (text.ts). Stored with each message (mail_messages.sanitizer_version); the
 * importer's reprocessing (lib/mail/sync/reprocess.ts) re-prepares messages stored by an older
 * version, so a sanitizer fix reaches mail that is already imported.
 *
 * Bump it by hand whenever the output changes for some input; version.test.ts fails when the output
 * for its fixed corpus changed while this number did not.
 */
export const SANITIZER_VERSION = 2;
