// Test projects: domain and db unit tests (node, fake-indexeddb), component tests (jsdom +
// Testing Library + fake-indexeddb), server tests (node, real SQLite file and HTTP), sync tests
// (the real client engine on fake-indexeddb against the real server over HTTP, with faults) and
// browser end-to-end tests (Debian Chromium through playwright-core, against the built app).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// With DATABASE_URL set, the server and sync suites run a second time on PostgreSQL (each test
// store in a fresh schema: tests/server/engine.ts). Files that test the SQLite file itself
// (backup, its migrations, the embedded start) run on SQLite only; tests/server/postgres/ on
// PostgreSQL only.
const withPostgres = !!process.env.DATABASE_URL;
const SQLITE_ONLY = [
  'tests/server/backup.test.ts',
  'tests/server/migrations.test.ts',
  'tests/server/http.test.ts',
  'tests/server/factsHandOver.test.ts',
  'tests/server/retentionLock.test.ts',
];
const pg = { RELAIS_TEST_ENGINE: 'postgres' };

export default defineConfig({
  plugins: [react()],
  define: { __APP_VERSION__: JSON.stringify('test') },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'], setupFiles: ['tests/setup/indexeddb.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'component',
          environment: 'jsdom',
          include: ['tests/component/**/*.test.tsx'],
          setupFiles: ['tests/setup/indexeddb.ts', 'tests/setup/dom.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: { name: 'server', environment: 'node', include: ['tests/server/*.test.ts'], testTimeout: 30_000 },
      },
      {
        // The same server tests again, over real HTTP instead of inject().
        extends: true,
        test: {
          name: 'server-http',
          environment: 'node',
          include: ['tests/server/*.test.ts'],
          exclude: ['tests/server/http.test.ts', 'tests/server/migrations.test.ts', 'tests/server/factsHandOver.test.ts', 'tests/server/retentionLock.test.ts'],
          testTimeout: 30_000,
          env: { RELAIS_TEST_TRANSPORT: 'http' },
        },
      },
      {
        extends: true,
        test: {
          name: 'sync',
          environment: 'node',
          include: ['tests/sync/**/*.test.ts'],
          setupFiles: ['tests/setup/indexeddb.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'server-pg',
                environment: 'node',
                include: ['tests/server/*.test.ts', 'tests/server/postgres/*.test.ts'],
                exclude: SQLITE_ONLY,
                testTimeout: 60_000,
                hookTimeout: 60_000,
                env: pg,
              },
            },
            {
              extends: true as const,
              test: {
                name: 'sync-pg',
                environment: 'node',
                include: ['tests/sync/**/*.test.ts'],
                setupFiles: ['tests/setup/indexeddb.ts'],
                testTimeout: 60_000,
                hookTimeout: 60_000,
                env: pg,
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
