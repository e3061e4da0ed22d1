import { defineConfig } from 'vitest/config';

/**
 * Two projects. `main`: unit tests in parallel, integration/compat tests with real servers and
 * child processes. `e2e`: the operator UI in Debian's Chromium against real hubs, one file at a
 * time (each file runs a hub, a simulated fleet and a browser; on two cores more would starve).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { NODE_ENV: 'test' },
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/bench/**', 'test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
        },
      },
    ],
  },
});
