import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this: migrations are SQL files applied by db/migrate.ts
// on both real Postgres and the embedded PGlite.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
