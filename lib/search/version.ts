/**
 * The version of the search words searchLexemes() and tsvectorLiteral() make of a text. Stored with
 * each message (mail_messages.tokenizer_version), so a tokenizer change reaches the search vectors of
 * mail that is already imported (lib/mail/sync/reprocess.ts). Bump it by hand whenever the words for
 * some text change; version.test.ts fails when they changed for its fixed corpus while this did not.
 */
export const TOKENIZER_VERSION = 1;
