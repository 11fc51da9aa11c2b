import { customType } from 'drizzle-orm/pg-core';

/** Bytes as they are, for message sources and attachment contents. Postgres returns a Buffer, PGlite a Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * Full-text search document. The writer builds it from its own search words (lib/mail/search), so
 * every script is tokenized the same way at write and at query time; it is never read back as a value.
 */
export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});
