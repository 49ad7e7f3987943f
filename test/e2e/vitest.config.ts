import { defineConfig } from 'vitest/config';

// End-to-end: the browser host on an ephemeral port, Debian's Chromium through playwright-core.
// `npm run test:e2e` builds the renderer first (vite build → dist/renderer).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
