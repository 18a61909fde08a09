import { defineConfig } from 'drizzle-kit';

// One migration set, applied at startup to PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/store/tables.ts',
  out: './drizzle',
});
