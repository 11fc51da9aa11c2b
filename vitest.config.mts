import { defineConfig } from 'vitest/config';
import path from 'node:path';

const alias = {
  '@': path.resolve(import.meta.dirname),
  // Next.js resolves this guard itself; outside Next (tests, CLIs) server code is simply allowed.
  'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/harness/global-setup-integration.ts'],
          // The importer's per-pass info lines would bury the test report; warnings and errors still show.
          env: { LOG_LEVEL: 'warn' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Test files share the real servers; each file makes its own database.
          fileParallelism: true,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/harness/global-setup-browser.ts'],
          testTimeout: 90_000,
          hookTimeout: 600_000,
          // One app server and one Chromium: run files one after another.
          fileParallelism: false,
        },
      },
    ],
  },
});
