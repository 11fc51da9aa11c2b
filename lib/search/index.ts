// Full-text search words, shared by everything the app searches (mail now, CRM records next), so a
// query finds what was stored by the same rules whatever it searches.
export { searchLexemes, searchQueryLiteral, tsvectorLiteral } from './tokens';
export { TOKENIZER_VERSION } from './version';
