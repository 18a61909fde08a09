/** Builds one floor page (BENCH_FLOOR_ENTRY: index.html or size.html); no app plugins. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const entry = process.env.BENCH_FLOOR_ENTRY ?? 'index.html';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    target: 'es2022',
    emptyOutDir: true,
    rollupOptions: { input: fileURLToPath(new URL(entry, import.meta.url)) },
  },
});
