import { defineConfig } from 'vitest/config';

// Property tests (generated cases, seeds printed; OBELISK_SEED / OBELISK_RUNS): their own project,
// run by `npm run test:property` (harness/run-property.mjs) and, with their small default run
// counts, by `npm test` with everything else.
const PROPERTY = ['test/**/*.property.test.ts', 'test/**/*-property.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    // The shared replay check after every test (finished executions left behind must replay).
    setupFiles: ['test/support/verify-state.setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts', 'harness/**/*.test.ts'], exclude: PROPERTY } },
      { extends: true, test: { name: 'property', include: PROPERTY } },
    ],
  },
});
