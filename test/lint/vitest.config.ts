import { defineConfig } from 'vitest/config';

// The lint fixtures' test: each boundary rule must fail its fixture and pass its clean counterpart.
export default defineConfig({
  test: {
    include: ['test/lint/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
