import { defineConfig } from 'vitest/config';

// Unit and integration tests (plain Node, real SQLite in temp dirs). e2e and lint fixtures have their own configs.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
