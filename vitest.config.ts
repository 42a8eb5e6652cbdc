import { defineConfig } from 'vitest/config';

/**
 * Two tiers. The pure tier (test/unit, test/shared, the parsing tests of test/import) needs no
 * PostgreSQL and runs in seconds, in both zones the app meets: UTC (servers) and
 * Asia/Shanghai (the institutions), so that no rule depends on the machine's zone. The
 * integration tier runs the real app on a real PostgreSQL (one per run, global-setup.ts).
 * `npm run test:unit` runs the pure tier; `npm test` everything; `npm run test:shanghai` the
 * integration tier with the machine in Beijing time.
 */
const pure = [
  'test/unit/**/*.test.ts',
  'test/shared/**/*.test.ts',
  'test/import/plan-parsing.test.ts',
  'test/import/plan-shapes.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    projects: [
      ...(['UTC', 'Asia/Shanghai'] as const).map((zone) => ({
        extends: true as const,
        test: {
          name: `pure ${zone}`,
          include: pure,
          env: { TZ: zone },
        },
      })),
      {
        extends: true as const,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: pure,
          globalSetup: ['test/support/global-setup.ts'],
          ...(process.env.LUOSHI_TEST_TZ ? { env: { TZ: process.env.LUOSHI_TEST_TZ } } : {}),
        },
      },
    ],
  },
});
