import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Long enough for a PostgreSQL test file to wait its turn (tools/test-support/harness.ts).
    hookTimeout: 120_000,
    // Server suites each boot PGlite (seconds of CPU); two cores cannot run many at once.
    maxWorkers: 2,
  },
});
